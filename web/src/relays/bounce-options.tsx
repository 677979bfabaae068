/**
 * 不達メールの管理: bounces handled by mailroute (VERP, or one fixed catch-all return path), or
 * returned to the From address, or to one address on the relay's domain, whose IMAP mailbox a saved
 * relay may have mailroute read.
 */
import { useTranslation } from 'react-i18next';
import type { RelayView } from '../api/types';
import { Check, Field } from '../components/field';
import { RadioGroup } from '../components/radio-group';
import { BounceMailboxSection } from './bounce-mailbox-section';
import type { SectionProps } from './section-props';

export function BounceOptions({
  draft,
  set,
  errors,
  disabled,
  bounceDomain,
  domainName,
  saved,
}: SectionProps & {
  bounceDomain: string;
  domainName?: string | undefined;
  saved?: RelayView | undefined;
}) {
  const { t } = useTranslation();
  const platform = draft.bounceMode === 'platform';
  const savedBounces = saved?.bounceHandling;
  return (
    <fieldset className="sub">
      <legend>{t('relayForm.bounces')}</legend>
      <Check
        label={t('relayForm.bouncePlatform')}
        hint={
          platform
            ? t('relayForm.bouncePlatformHint', { domain: bounceDomain || '…' })
            : t('relayForm.bounceOffNote')
        }
        checked={platform}
        disabled={disabled}
        error={errors.bounceHandling}
        onChange={(on) => set({ bounceMode: on ? 'platform' : 'from' })}
      />
      {platform ? (
        <Check
          label={t('relayForm.fixedReturnPath', { address: `catchall@${bounceDomain || '…'}` })}
          checked={draft.fixedReturnPath}
          disabled={disabled}
          onChange={(fixedReturnPath) => set({ fixedReturnPath })}
        />
      ) : (
        <>
          <RadioGroup
            legend={t('relayForm.bounceOwn')}
            value={draft.bounceMode === 'address' ? 'address' : 'from'}
            disabled={disabled}
            options={[
              { value: 'from', label: t('relayForm.bounceFrom') },
              { value: 'address', label: t('relayForm.bounceAddress') },
            ]}
            onChange={(bounceMode) => set({ bounceMode })}
          />
          {draft.bounceMode === 'address' && (
            <>
              <Field label={t('relayForm.bounceAddressInput')} error={errors['bounceHandling.address']}>
                <input
                  type="email"
                  value={draft.bounceAddress}
                  disabled={disabled}
                  placeholder={`bounce@${domainName ?? 'example.com'}`}
                  onChange={(e) => set({ bounceAddress: e.target.value })}
                />
              </Field>
              {saved && savedBounces?.mode === 'address' ? (
                <BounceMailboxSection relay={saved} address={savedBounces.address} />
              ) : (
                <p className="hint">{t('bounceMailbox.saveFirst')}</p>
              )}
            </>
          )}
        </>
      )}
    </fieldset>
  );
}
