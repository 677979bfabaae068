/** サーバーの詳細: name, host, port, daily limit, SSL connection and certificate checks. */
import { useTranslation } from 'react-i18next';
import { Check, Field } from '../components/field';
import { RadioGroup } from '../components/radio-group';
import { standardPorts } from './draft';
import type { SectionProps } from './section-props';

export function ServerDetailsSection({ draft, set, errors, disabled }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="section">
      <legend>{t('relayForm.serverDetails')}</legend>
      <div className="grid two">
        <Field label={t('relayForm.name')} error={errors.name}>
          <input value={draft.name} disabled={disabled} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label={t('relayForm.host')} hint={t('relayForm.hostHint')} error={errors.host}>
          <input
            value={draft.host}
            disabled={disabled}
            autoCapitalize="off"
            spellCheck={false}
            onChange={(e) => set({ host: e.target.value })}
          />
        </Field>
        <Field label={t('relayForm.port')} error={draft.portChoice === 'other' ? undefined : errors.port}>
          <select
            value={draft.portChoice}
            disabled={disabled}
            onChange={(e) => set({ portChoice: e.target.value })}
          >
            {standardPorts.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
            <option value="other">{t('relayForm.portOther')}</option>
          </select>
        </Field>
        {draft.portChoice === 'other' && (
          <Field label={t('relayForm.portCustom')} error={errors.port}>
            <input
              inputMode="numeric"
              value={draft.portCustom}
              disabled={disabled}
              onChange={(e) => set({ portCustom: e.target.value })}
            />
          </Field>
        )}
        <Field
          label={t('relayForm.dailyLimit')}
          hint={t('relayForm.dailyLimitHint')}
          error={errors.dailyLimit}
        >
          <input
            inputMode="numeric"
            value={draft.dailyLimit}
            disabled={disabled}
            onChange={(e) => set({ dailyLimit: e.target.value })}
          />
        </Field>
      </div>
      <RadioGroup
        legend={t('relayForm.security')}
        inline
        value={draft.security}
        disabled={disabled}
        error={errors.security}
        options={(['ssl', 'tls', 'none'] as const).map((v) => ({ value: v, label: t(`security.${v}`) }))}
        onChange={(security) => set({ security })}
      />
      {draft.security !== 'none' && (
        <>
          <Check
            label={t('relayForm.verifyCertificate')}
            checked={draft.verifyCertificate}
            disabled={disabled}
            error={errors.verifyCertificate}
            onChange={(verifyCertificate) => set({ verifyCertificate })}
          />
          <Field
            label={t('relayForm.caCertificate')}
            hint={t('relayForm.caCertificateHint')}
            error={errors.caCertificate}
          >
            <textarea
              rows={3}
              className="mono"
              value={draft.caCertificate}
              disabled={disabled}
              placeholder="-----BEGIN CERTIFICATE-----"
              onChange={(e) => set({ caCertificate: e.target.value })}
            />
          </Field>
        </>
      )}
    </fieldset>
  );
}
