/** Sending: priority among the domain's relays, connections, pace, and whether the relay is on. */
import { useTranslation } from 'react-i18next';
import { Check, Field } from '../components/field';
import type { SectionProps } from './section-props';

export function SendingSection({ draft, set, errors, disabled }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="section">
      <legend>{t('relayForm.advanced')}</legend>
      <div className="grid three">
        <Field label={t('relayForm.priority')} error={errors.priority}>
          <input
            inputMode="numeric"
            value={draft.priority}
            disabled={disabled}
            onChange={(e) => set({ priority: e.target.value })}
          />
        </Field>
        <Field label={t('relayForm.maxConnections')} error={errors.maxConnections}>
          <input
            inputMode="numeric"
            value={draft.maxConnections}
            disabled={disabled}
            onChange={(e) => set({ maxConnections: e.target.value })}
          />
        </Field>
        <Field label={t('relayForm.rateLimit')} error={errors.rateLimitPerMinute}>
          <input
            inputMode="numeric"
            value={draft.rateLimit}
            disabled={disabled}
            onChange={(e) => set({ rateLimit: e.target.value })}
          />
        </Field>
      </div>
      <Check
        label={t('relayForm.enabled')}
        checked={draft.enabled}
        disabled={disabled}
        onChange={(enabled) => set({ enabled })}
      />
    </fieldset>
  );
}
