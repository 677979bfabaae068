/**
 * The controls of a bounce mailbox: server, sign-in (the password write-only), the folder read,
 * what happens to a message once read, and whether it is polled; each with its API field error.
 */
import { useTranslation } from 'react-i18next';
import { Check, Field } from '../components/field';
import { RadioGroup } from '../components/radio-group';
import type { MailboxDraft } from './mailbox-draft';

export interface MailboxFieldsProps {
  draft: MailboxDraft;
  set: (patch: Partial<MailboxDraft>) => void;
  errors: Record<string, string>;
  disabled: boolean;
  /** A password is stored: an empty one keeps it. */
  passwordSet: boolean;
  /** The relay signs in with OAuth whose consent covers IMAP too. */
  oauthOffered: boolean;
}

export function MailboxFields({
  draft,
  set,
  errors,
  disabled,
  passwordSet,
  oauthOffered,
}: MailboxFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="grid three">
        <Field label={t('bounceMailbox.host')} error={errors.host}>
          <input
            value={draft.host}
            disabled={disabled}
            placeholder="imap.example.com"
            onChange={(e) => set({ host: e.target.value })}
          />
        </Field>
        <Field label={t('bounceMailbox.port')} error={errors.port}>
          <input
            inputMode="numeric"
            value={draft.port}
            disabled={disabled}
            onChange={(e) => set({ port: e.target.value })}
          />
        </Field>
        <Field label={t('bounceMailbox.security')} error={errors.security}>
          <select
            value={draft.security}
            disabled={disabled}
            onChange={(e) => set({ security: e.target.value as MailboxDraft['security'] })}
          >
            {(['ssl', 'tls', 'none'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`bounceMailbox.securities.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Check
        label={t('bounceMailbox.verifyCertificate')}
        checked={draft.verifyCertificate}
        disabled={disabled || draft.security === 'none'}
        error={errors.verifyCertificate}
        onChange={(verifyCertificate) => set({ verifyCertificate })}
      />
      {(oauthOffered || draft.authType === 'relay-oauth') && (
        <RadioGroup
          legend={t('bounceMailbox.signIn')}
          inline
          value={draft.authType}
          disabled={disabled}
          error={errors['authentication.type']}
          options={[
            { value: 'password', label: t('bounceMailbox.signIns.password') },
            { value: 'relay-oauth', label: t('bounceMailbox.signIns.relayOauth') },
          ]}
          onChange={(authType) => set({ authType })}
        />
      )}
      {draft.authType === 'password' && (
        <div className="grid two">
          <Field label={t('bounceMailbox.username')} error={errors['authentication.username']}>
            <input
              value={draft.username}
              disabled={disabled}
              autoComplete="off"
              onChange={(e) => set({ username: e.target.value })}
            />
          </Field>
          <Field
            label={t('bounceMailbox.password')}
            hint={passwordSet ? t('bounceMailbox.passwordKeep') : t('bounceMailbox.passwordNew')}
            error={errors['authentication.password']}
          >
            <input
              type="password"
              value={draft.password}
              disabled={disabled}
              autoComplete="new-password"
              onChange={(e) => set({ password: e.target.value })}
            />
          </Field>
        </div>
      )}
      <div className="grid three">
        <Field label={t('bounceMailbox.mailbox')} error={errors.mailbox}>
          <input
            value={draft.mailbox}
            disabled={disabled}
            onChange={(e) => set({ mailbox: e.target.value })}
          />
        </Field>
        <Field label={t('bounceMailbox.after')} error={errors['afterProcessing.action']}>
          <select
            value={draft.afterAction}
            disabled={disabled}
            onChange={(e) => set({ afterAction: e.target.value as MailboxDraft['afterAction'] })}
          >
            <option value="flag">{t('bounceMailbox.afterActions.flag')}</option>
            <option value="move">{t('bounceMailbox.afterActions.move')}</option>
          </select>
        </Field>
        {draft.afterAction === 'move' ? (
          <Field label={t('bounceMailbox.folder')} error={errors['afterProcessing.folder']}>
            <input
              value={draft.folder}
              disabled={disabled}
              onChange={(e) => set({ folder: e.target.value })}
            />
          </Field>
        ) : (
          <Field
            label={t('bounceMailbox.keyword')}
            hint={t('bounceMailbox.keywordHint')}
            error={errors['afterProcessing.keyword']}
          >
            <input
              value={draft.keyword}
              disabled={disabled}
              onChange={(e) => set({ keyword: e.target.value })}
            />
          </Field>
        )}
      </div>
      <Check
        label={t('bounceMailbox.enabled')}
        checked={draft.enabled}
        disabled={disabled}
        error={errors.enabled}
        onChange={(enabled) => set({ enabled })}
      />
    </>
  );
}
