/**
 * The optional IMAP mailbox of a saved relay's fixed return-path address (R17 `address`, R19): set up,
 * change (the password write-only: left empty, the stored one is kept), remove, poll now, and the
 * last poll's result. It sits inside the relay form but saves on its own: its buttons and the Enter
 * key act on the mailbox, never on the relay.
 */
import { type KeyboardEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, post, put } from '../api/client';
import type { BounceMailbox, BounceMailboxPoll, RelayView } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { SuccessBanner } from '../components/error-banner';
import { FieldErrorsBanner } from '../components/field-errors-banner';
import { ErrorState, isMissingEndpoint, NotAvailable } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { draftFromMailbox, type MailboxDraft, mailboxDraftToInput, newMailboxDraft } from './mailbox-draft';
import { MailboxFields } from './mailbox-fields';
import { MailboxStatus, PollResult } from './mailbox-status';

/** Fields shown beside their control; other messages go to the banner. */
const shown = new Set([
  'host',
  'port',
  'security',
  'verifyCertificate',
  'authentication.type',
  'authentication.username',
  'authentication.password',
  'mailbox',
  'afterProcessing.action',
  'afterProcessing.folder',
  'afterProcessing.keyword',
  'enabled',
]);

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(0, 'network', String(err));

function MailboxEditor({
  relay,
  address,
  mailbox,
  reload,
}: {
  relay: RelayView;
  address: string;
  mailbox: BounceMailbox | undefined;
  reload: () => void;
}) {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const path = `/api/v1/relays/${encodeURIComponent(relay.id)}/bounce-mailbox`;
  const [draft, setDraft] = useState<MailboxDraft>(() =>
    mailbox ? draftFromMailbox(mailbox) : newMailboxDraft(address),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError>();
  const [pending, setPending] = useState<'save' | 'poll' | 'remove'>();
  const [notice, setNotice] = useState<string>();
  const [poll, setPoll] = useState<BounceMailboxPoll>();
  const disabled = !canEdit || pending !== undefined;
  const set = (p: Partial<MailboxDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    setErrors({});
    setFailure(undefined);
    setNotice(undefined);
  };
  const run = async (action: 'save' | 'poll' | 'remove', fn: () => Promise<void>) => {
    setPending(action);
    setFailure(undefined);
    setNotice(undefined);
    try {
      await fn();
    } catch (err) {
      const apiError = asApiError(err);
      setErrors(apiError.fields);
      setFailure(apiError);
    } finally {
      setPending(undefined);
      reload();
    }
  };
  const save = () =>
    run('save', async () => {
      const saved = await put<BounceMailbox>(path, mailboxDraftToInput(draft));
      setDraft(draftFromMailbox(saved));
      setErrors({});
      setPoll(undefined);
      setNotice(t('bounceMailbox.saved'));
    });
  const remove = () =>
    run('remove', async () => {
      await del(path);
      setDraft(newMailboxDraft(address));
      setPoll(undefined);
      setNotice(t('bounceMailbox.removed'));
    });
  const pollNow = () => run('poll', async () => setPoll(await post<BounceMailboxPoll>(`${path}/poll`)));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || (e.target as HTMLElement).tagName !== 'INPUT') return;
    e.preventDefault();
    if (!disabled) void save();
  };

  if (!mailbox && !canEdit) return <p className="muted">{t('bounceMailbox.notSetUp')}</p>;
  const fieldShown = Object.keys(errors).some((k) => shown.has(k));
  const auth = mailbox?.authentication;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Enter in a mailbox field saves the mailbox, not the relay form around it
    <div onKeyDown={onKeyDown}>
      {!mailbox && <p className="muted">{t('bounceMailbox.notSetUp')}</p>}
      <FieldErrorsBanner
        show={failure !== undefined}
        title={fieldShown ? t('bounceMailbox.invalid') : failure?.message}
        errors={errors}
        shown={shown}
      />
      <SuccessBanner message={notice} />
      <MailboxFields
        draft={draft}
        set={set}
        errors={errors}
        disabled={disabled}
        passwordSet={auth?.type === 'password' && auth.passwordSet}
        oauthOffered={relay.authentication.type === 'oauth2' && relay.authentication.service === 'gmail'}
      />
      {canEdit && (
        <div className="row-actions">
          <button type="button" disabled={disabled} onClick={() => void save()}>
            {t('bounceMailbox.save')}
          </button>
          {mailbox && (
            <>
              <button type="button" className="secondary" disabled={disabled} onClick={() => void pollNow()}>
                {pending === 'poll' ? t('bounceMailbox.polling') : t('bounceMailbox.poll')}
              </button>
              <ConfirmButton
                label={t('bounceMailbox.remove')}
                question={t('bounceMailbox.confirmRemove')}
                className="danger"
                disabled={disabled}
                onConfirm={remove}
              />
            </>
          )}
        </div>
      )}
      <PollResult result={poll} />
      {mailbox && <MailboxStatus status={mailbox.status} />}
    </div>
  );
}

export function BounceMailboxSection({ relay, address }: { relay: RelayView; address: string }) {
  const { t } = useTranslation();
  const resource = useResource<BounceMailbox>(
    `/api/v1/relays/${encodeURIComponent(relay.id)}/bounce-mailbox`,
  );
  const error = resource.error;
  const none = error?.code === 'not_found' && !isMissingEndpoint(error);
  let body: ReactNode;
  if (error && isMissingEndpoint(error)) body = <NotAvailable />;
  else if (error && !none) body = <ErrorState error={error} retry={resource.reload} />;
  else if (!none && resource.data === undefined)
    body = (
      <p className="state loading" role="status">
        {t('app.loading')}
      </p>
    );
  else
    body = (
      <MailboxEditor
        relay={relay}
        address={address}
        mailbox={none ? undefined : resource.data}
        reload={resource.reload}
      />
    );
  return (
    <fieldset className="sub bounce-mailbox">
      <legend>{t('bounceMailbox.title')}</legend>
      <p className="hint">{t('bounceMailbox.intro', { address })}</p>
      {body}
    </fieldset>
  );
}
