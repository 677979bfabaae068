/**
 * The email types something applies to, one checkbox each, kept in the API's order, with the
 * field's error below them.
 */
import { useTranslation } from 'react-i18next';
import { emailTypes } from '../../../src/domain/email-types.js';
import type { EmailType } from '../api/types';
import { Check } from './field';

export function EmailTypeChecks({
  legend,
  value,
  disabled,
  error,
  onChange,
}: {
  legend: string;
  value: readonly EmailType[];
  disabled: boolean;
  error?: string | undefined;
  onChange: (types: EmailType[]) => void;
}) {
  const { t } = useTranslation();
  const toggle = (type: EmailType, on: boolean) =>
    onChange(
      on ? emailTypes.filter((x) => x === type || value.includes(x)) : value.filter((x) => x !== type),
    );
  return (
    <fieldset className={`checks${error ? ' has-error' : ''}`}>
      <legend>{legend}</legend>
      {emailTypes.map((type) => (
        <Check
          key={type}
          label={t(`emailTypes.${type}`)}
          checked={value.includes(type)}
          disabled={disabled}
          onChange={(on) => toggle(type, on)}
        />
      ))}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
