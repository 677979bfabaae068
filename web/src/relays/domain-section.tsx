/** ドメイン設定: the relay's domain (or a new one), email types, DKIM with its record, bounces. */
import { useTranslation } from 'react-i18next';
import type { DomainView, RelayView } from '../api/types';
import { DnsRecordView } from '../components/dns-record';
import { EmailTypeChecks } from '../components/email-type-checks';
import { Check, Field } from '../components/field';
import { AddDomainInline } from './add-domain-inline';
import { BounceOptions } from './bounce-options';
import type { SectionProps } from './section-props';

export function DomainSection(
  props: SectionProps & {
    domains: DomainView[];
    onDomainAdded: (d: DomainView) => void;
    bounceDomain: string;
    saved?: RelayView | undefined;
  },
) {
  const { t } = useTranslation();
  const { draft, set, errors, disabled, domains } = props;
  const domain = domains.find((d) => d.id === draft.domainId);
  return (
    <fieldset className="section">
      <legend>{t('relayForm.domainSettings')}</legend>
      <div className="domain-row">
        <Field label={t('relayForm.domain')} error={errors.domainId}>
          <select
            value={draft.domainId}
            disabled={disabled}
            onChange={(e) => set({ domainId: e.target.value })}
          >
            <option value="">{t('relayForm.chooseDomain')}</option>
            {domains.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.verified ? '' : ` (${t('domains.unverified')})`}
              </option>
            ))}
          </select>
        </Field>
        <AddDomainInline
          disabled={disabled}
          onAdded={(d) => {
            props.onDomainAdded(d);
            set({ domainId: d.id });
          }}
        />
      </div>
      <EmailTypeChecks
        legend={t('relayForm.emailTypes')}
        value={draft.emailTypes}
        disabled={disabled}
        error={errors.emailTypes}
        onChange={(emailTypes) => set({ emailTypes })}
      />
      <Check
        label={t('relayForm.dkim')}
        hint={t('relayForm.dkimHint')}
        checked={draft.dkimSigning}
        disabled={disabled}
        error={errors.dkimSigning}
        onChange={(dkimSigning) => set({ dkimSigning })}
      />
      {draft.dkimSigning && domain && (
        <div className="dkim-box">
          {domain.dkim ? (
            <DnsRecordView record={domain.dkim.dnsRecord} title={t('relayForm.dkimRecord')} />
          ) : (
            <p className="hint">{t('relayForm.dkimMissing')}</p>
          )}
        </div>
      )}
      <BounceOptions {...props} domainName={domain?.name} />
    </fieldset>
  );
}
