/**
 * 設定: the org's time zone ("today" for every limit), what happens when a relay cannot send, when
 * soft bounces suppress an address, how long the archive keeps sent mail, and the retry schedule of
 * each email type; below, the signed-in
 * user's own password.
 */
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordForm } from '../account/password-form';
import { ApiError, patch } from '../api/client';
import type { Settings } from '../api/types';
import { ErrorBanner, SuccessBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { localeOf, setTimeZone } from '../components/format';
import { LoadState } from '../components/load-state';
import { RadioGroup } from '../components/radio-group';
import { rangeError } from '../components/range-error';
import { zoneLabel } from '../components/zone-label';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { RetrySchedulesFieldset } from './retry-schedules-fieldset';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Asia/Tokyo', 'UTC'];
  }
})();

function SettingsForm({ initial, saved }: { initial: Settings; saved: () => void }) {
  const { t, i18n } = useTranslation();
  const { canEdit } = useSession();
  const [s, setS] = useState(initial);
  const locale = localeOf(i18n.language);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(false);
    try {
      await patch('/api/v1/settings', s);
      setTimeZone(s.timeZone);
      setDone(true);
      saved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  const options = useMemo(() => {
    const ids = zones.includes(initial.timeZone) ? zones : [initial.timeZone, ...zones];
    return ids.map((id) => ({ id, label: zoneLabel(id, locale) }));
  }, [initial.timeZone, locale]);
  return (
    <form className="card settings" onSubmit={submit} noValidate>
      <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      <SuccessBanner message={done ? t('app.saved') : undefined} />
      <Field label={t('settings.timeZone')} hint={t('settings.timeZoneHint')} error={error?.fields.timeZone}>
        <select
          value={s.timeZone}
          disabled={!canEdit}
          onChange={(e) => setS({ ...s, timeZone: e.target.value })}
        >
          {options.map((z) => (
            <option key={z.id} value={z.id}>
              {z.label}
            </option>
          ))}
        </select>
      </Field>
      <RadioGroup
        legend={t('settings.fallback')}
        value={s.relayFallback}
        disabled={!canEdit}
        error={error?.fields.relayFallback}
        options={[
          { value: 'platform', label: t('settings.fallbackPlatform') },
          { value: 'retry', label: t('settings.fallbackRetry') },
        ]}
        onChange={(relayFallback) => setS({ ...s, relayFallback })}
      />
      <fieldset className="soft-bounces">
        <legend>{t('settings.softBounces')}</legend>
        <p className="hint">
          {t('settings.softBouncesHint', { count: s.softBounceThreshold, days: s.softBounceWindowDays })}
        </p>
        <Field
          label={t('settings.softBounceThreshold')}
          hint={t('settings.softBounceThresholdHint')}
          error={rangeError(t, error?.fields.softBounceThreshold)}
        >
          <input
            type="number"
            min={1}
            max={100}
            value={Number.isNaN(s.softBounceThreshold) ? '' : s.softBounceThreshold}
            disabled={!canEdit}
            onChange={(e) => setS({ ...s, softBounceThreshold: e.target.valueAsNumber })}
          />
        </Field>
        <Field
          label={t('settings.softBounceWindow')}
          hint={t('settings.softBounceWindowHint')}
          error={rangeError(t, error?.fields.softBounceWindowDays)}
        >
          <input
            type="number"
            min={1}
            max={365}
            value={Number.isNaN(s.softBounceWindowDays) ? '' : s.softBounceWindowDays}
            disabled={!canEdit}
            onChange={(e) => setS({ ...s, softBounceWindowDays: e.target.valueAsNumber })}
          />
        </Field>
      </fieldset>
      <Field
        label={t('settings.archiveRetention')}
        hint={t('settings.archiveRetentionHint')}
        error={rangeError(t, error?.fields.archiveRetentionDays)}
      >
        <input
          type="number"
          min={1}
          max={3650}
          value={s.archiveRetentionDays}
          disabled={!canEdit}
          onChange={(e) => setS({ ...s, archiveRetentionDays: e.target.valueAsNumber })}
        />
      </Field>
      <RadioGroup
        legend={t('settings.workflowUnsubscribe')}
        value={s.workflowUnsubscribe ? 'on' : 'off'}
        disabled={!canEdit}
        error={error?.fields.workflowUnsubscribe}
        options={[
          { value: 'off', label: t('settings.workflowUnsubscribeOff') },
          { value: 'on', label: t('settings.workflowUnsubscribeOn') },
        ]}
        onChange={(v) => setS({ ...s, workflowUnsubscribe: v === 'on' })}
      />
      <RetrySchedulesFieldset
        value={s.retrySchedules}
        disabled={!canEdit}
        errors={error?.fields}
        onChange={(retrySchedules) => setS({ ...s, retrySchedules })}
      />
      <button type="submit" disabled={!canEdit}>
        {t('app.save')}
      </button>
    </form>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useResource<Settings>('/api/v1/settings');
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <LoadState resource={settings}>{(s) => <SettingsForm initial={s} saved={settings.reload} />}</LoadState>
      <PasswordForm />
    </>
  );
}
