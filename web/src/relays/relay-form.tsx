/**
 * The new/edit server form: the seed's sections in its order, checked by the shared schema before
 * it is sent, field errors from either side shown beside their fields, a test of the unsaved
 * settings, and the OAuth sign-in after saving a Gmail or Microsoft 365 relay.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, patch, post } from '../api/client';
import type { DomainView, RelayTestResult, RelayView } from '../api/types';
import { FieldErrorsBanner } from '../components/field-errors-banner';
import { useSession } from '../hooks/session';
import { AuthSection } from './auth-section';
import { DomainSection } from './domain-section';
import { draftFromRelay, draftToInput, emptyDraft, type RelayDraft, validateDraft } from './draft';
import { SendingSection } from './sending-section';
import { ServerDetailsSection } from './server-details-section';
import { TestPanel } from './test-result';
import { useBounceDomain } from './use-bounce-domain';

const shown = new Set([
  'name',
  'host',
  'port',
  'dailyLimit',
  'security',
  'verifyCertificate',
  'caCertificate',
  'domainId',
  'emailTypes',
  'dkimSigning',
  'bounceHandling',
  'bounceHandling.address',
  'authentication',
  'authentication.service',
  'authentication.username',
  'authentication.password',
  'authentication.user',
  'priority',
  'maxConnections',
  'rateLimitPerMinute',
]);

/** Which API field (prefix) a form control's value answers to, to clear its error on change. */
function errorKeyOf(draftKey: string): string {
  if (draftKey.startsWith('port')) return 'port';
  if (draftKey === 'rateLimit') return 'rateLimitPerMinute';
  if (['bounceMode', 'fixedReturnPath', 'bounceAddress'].includes(draftKey)) return 'bounceHandling';
  if (['authRequired', 'service', 'username', 'password', 'oauthUser'].includes(draftKey))
    return 'authentication';
  return draftKey;
}

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
}

async function startOAuth(relayId: string) {
  const { url } = await post<{ url: string }>(`/api/v1/relays/${encodeURIComponent(relayId)}/oauth/start`);
  window.location.assign(url);
}

export function RelayForm({
  saved,
  domains,
  onDomainAdded,
  onSaved,
}: {
  saved?: RelayView | undefined;
  domains: DomainView[];
  onDomainAdded: (d: DomainView) => void;
  onSaved?: (r: RelayView) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { canEdit } = useSession();
  const bounceDomain = useBounceDomain();
  const [draft, setDraft] = useState<RelayDraft>(() =>
    saved ? draftFromRelay(saved) : { ...emptyDraft, domainId: domains[0]?.id ?? '' },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<{ result?: RelayTestResult; error?: string }>({});
  const disabled = !canEdit || busy;
  const set = (p: Partial<RelayDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    const touched = Object.keys(p).map(errorKeyOf);
    setErrors((e) =>
      Object.fromEntries(Object.entries(e).filter(([k]) => !touched.some((c) => k.startsWith(c)))),
    );
  };

  const check = (): boolean => {
    const found = validateDraft(draft, !saved);
    setErrors(found);
    setFailure(undefined);
    return Object.keys(found).length === 0;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!check()) return;
    setBusy(true);
    try {
      const input = draftToInput(draft);
      const relay = saved
        ? await patch<RelayView>(`/api/v1/relays/${encodeURIComponent(saved.id)}`, input)
        : await post<RelayView>('/api/v1/relays', input);
      const a = relay.authentication;
      if (a.type === 'oauth2' && a.status !== 'connected') return await startOAuth(relay.id);
      if (onSaved) onSaved(relay);
      else navigate('/relays', { state: { notice: t('relayForm.created') } });
    } catch (err) {
      const apiError = asApiError(err);
      setErrors(apiError.fields);
      setFailure(apiError);
    } finally {
      setBusy(false);
    }
  };

  const runTest = async () => {
    const useSaved = saved && draft.authRequired && draft.service === 'other' && draft.password === '';
    if (!useSaved && !check()) return;
    setTesting(true);
    setTest({});
    try {
      const result = useSaved
        ? await post<RelayTestResult>(`/api/v1/relays/${encodeURIComponent(saved.id)}/test`)
        : await post<RelayTestResult>('/api/v1/relays/test', draftToInput(draft));
      setTest({ result });
    } catch (err) {
      const apiError = asApiError(err);
      setErrors(apiError.fields);
      setTest({ error: apiError.message });
    } finally {
      setTesting(false);
    }
  };

  const errorCount = Object.keys(errors).length;
  const props = { draft, set, errors, disabled };
  return (
    <form className="relay-form" onSubmit={submit} noValidate>
      <FieldErrorsBanner
        show={errorCount > 0 || failure !== undefined}
        title={errorCount > 0 ? t('relayForm.invalid') : failure?.message}
        errors={errors}
        shown={shown}
      />
      <ServerDetailsSection {...props} />
      <DomainSection
        {...props}
        domains={domains}
        onDomainAdded={onDomainAdded}
        bounceDomain={bounceDomain}
        saved={saved}
      />
      <AuthSection
        {...props}
        saved={saved}
        onSignIn={() => saved && startOAuth(saved.id).catch((err) => setFailure(asApiError(err)))}
      />
      <SendingSection {...props} />
      <div className="form-actions">
        <button type="button" className="secondary" disabled={disabled || testing} onClick={runTest}>
          {t('relayForm.test')}
        </button>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => navigate('/relays')}>
          {t('app.cancel')}
        </button>
        <button type="submit" disabled={disabled}>
          {saved ? t('relayForm.submitEdit') : t('relayForm.submitNew')}
        </button>
      </div>
      <TestPanel busy={testing} result={test.result} error={test.error} />
    </form>
  );
}
