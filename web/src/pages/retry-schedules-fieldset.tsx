/**
 * 設定 › 再試行: per email type, the waits between attempts and the maximum age after which a
 * delivery still failing ends failed (issue 21). Defaults: workflow and individual 72 h, mass 24 h.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { emailTypes } from '../../../src/domain/email-types.js';
import { retryScheduleBounds as bounds, type RetrySchedules } from '../../../src/domain/retry-schedules.js';
import { Field } from '../components/field';
import { rangeError } from '../components/range-error';

/** `1, 5, 15` as numbers; anything that is not a number stays NaN, for the API to refuse. */
function parseDelays(text: string): number[] {
  return text
    .split(/[,\s、]+/)
    .filter(Boolean)
    .map((x) => (/^\d+$/.test(x) ? Number(x) : Number.NaN));
}

export function RetrySchedulesFieldset({
  value,
  disabled,
  errors,
  onChange,
}: {
  value: RetrySchedules;
  disabled: boolean;
  errors: Record<string, string> | undefined;
  onChange: (v: RetrySchedules) => void;
}) {
  const { t } = useTranslation();
  const [texts, setTexts] = useState(() =>
    Object.fromEntries(emailTypes.map((type) => [type, value[type].delaysMinutes.join(', ')])),
  );
  const fieldError = (path: string) =>
    rangeError(t, Object.entries(errors ?? {}).find(([k]) => k === path || k.startsWith(`${path}.`))?.[1]);
  return (
    <fieldset className="retry-schedules">
      <legend>{t('retrySchedules.title')}</legend>
      <p className="hint">{t('retrySchedules.hint')}</p>
      {emailTypes.map((type) => (
        <fieldset key={type} className="retry-schedule">
          <legend>{t(`retrySchedules.types.${type}`)}</legend>
          <Field
            label={t('retrySchedules.delays')}
            hint={t('retrySchedules.delaysHint', { max: bounds.maxDelays })}
            error={fieldError(`retrySchedules.${type}.delaysMinutes`)}
          >
            <input
              type="text"
              inputMode="numeric"
              value={texts[type]}
              disabled={disabled}
              onChange={(e) => {
                setTexts({ ...texts, [type]: e.target.value });
                onChange({
                  ...value,
                  [type]: { ...value[type], delaysMinutes: parseDelays(e.target.value) },
                });
              }}
            />
          </Field>
          <Field
            label={t('retrySchedules.maxAge')}
            hint={t('retrySchedules.maxAgeHint', {
              min: bounds.maxAgeHours.min,
              max: bounds.maxAgeHours.max,
            })}
            error={fieldError(`retrySchedules.${type}.maxAgeHours`)}
          >
            <input
              type="number"
              min={bounds.maxAgeHours.min}
              max={bounds.maxAgeHours.max}
              value={Number.isNaN(value[type].maxAgeHours) ? '' : value[type].maxAgeHours}
              disabled={disabled}
              onChange={(e) =>
                onChange({ ...value, [type]: { ...value[type], maxAgeHours: e.target.valueAsNumber } })
              }
            />
          </Field>
        </fieldset>
      ))}
    </fieldset>
  );
}
