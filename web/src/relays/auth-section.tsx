/**
 * 認証: none, or a mail service. Gmail and Microsoft 365 sign in with OAuth (after saving, the
 * browser goes to the provider); "Other" takes a user name and password.
 */
import { useTranslation } from 'react-i18next';
import type { RelayView } from '../api/types';
import { Field } from '../components/field';
import { RadioGroup } from '../components/radio-group';
import type { Service } from './draft';
import type { SectionProps } from './section-props';

const serviceKey = {
  gmail: 'serviceGmail',
  microsoft365: 'serviceMicrosoft',
  other: 'serviceOther',
} as const;

export function AuthSection({
  draft,
  set,
  errors,
  disabled,
  saved,
  onSignIn,
}: SectionProps & { saved?: RelayView | undefined; onSignIn: () => void }) {
  const { t } = useTranslation();
  const savedAuth = saved?.authentication;
  const serviceName = t(`relayForm.${serviceKey[draft.service]}`);
  const savedOauth =
    savedAuth?.type === 'oauth2' && savedAuth.service === draft.service ? savedAuth : undefined;
  return (
    <fieldset className="section">
      <legend>{t('relayForm.authentication')}</legend>
      <RadioGroup
        legend={t('relayForm.authRequired')}
        inline
        value={draft.authRequired ? 'yes' : 'no'}
        disabled={disabled}
        error={errors.authentication}
        options={[
          { value: 'yes', label: t('app.yes') },
          { value: 'no', label: t('app.no') },
        ]}
        onChange={(v) => set({ authRequired: v === 'yes' })}
      />
      {draft.authRequired && (
        <div className="grid two">
          <Field label={t('relayForm.service')} error={errors['authentication.service']}>
            <select
              value={draft.service}
              disabled={disabled}
              onChange={(e) => set({ service: e.target.value as Service })}
            >
              <option value="gmail">{t('relayForm.serviceGmail')}</option>
              <option value="microsoft365">{t('relayForm.serviceMicrosoft')}</option>
              <option value="other">{t('relayForm.serviceOther')}</option>
            </select>
          </Field>
          {draft.service === 'other' ? (
            <>
              <Field label={t('relayForm.username')} error={errors['authentication.username']}>
                <input
                  value={draft.username}
                  disabled={disabled}
                  autoComplete="off"
                  onChange={(e) => set({ username: e.target.value })}
                />
              </Field>
              <Field
                label={t('relayForm.password')}
                hint={
                  savedAuth?.type === 'password' && savedAuth.passwordSet
                    ? t('relayForm.passwordKeep')
                    : undefined
                }
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
            </>
          ) : (
            <>
              <Field
                label={t('relayForm.oauthUser')}
                hint={savedOauth ? undefined : t('relayForm.oauthHint', { service: serviceName })}
                error={errors['authentication.user']}
              >
                <input
                  type="email"
                  value={draft.oauthUser}
                  disabled={disabled}
                  onChange={(e) => set({ oauthUser: e.target.value })}
                />
              </Field>
              {savedOauth && (
                <div className="oauth-state">
                  <p>
                    {t('relayForm.oauthState', { state: t(`relayForm.oauthStates.${savedOauth.status}`) })}
                  </p>
                  <button type="button" className="secondary" disabled={disabled} onClick={onSignIn}>
                    {t('relayForm.signIn', { service: serviceName })}
                  </button>
                </div>
              )}
            </>
          )}
        </div>
      )}
    </fieldset>
  );
}
