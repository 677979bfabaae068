/** A set of radio buttons as a fieldset with a legend: arrow keys move between the choices. */
import { useId } from 'react';

export interface RadioGroupProps<T extends string> {
  legend: string;
  name?: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
  disabled?: boolean | undefined;
  error?: string | undefined;
  inline?: boolean;
}

export function RadioGroup<T extends string>(props: RadioGroupProps<T>) {
  const id = useId();
  const name = props.name ?? id;
  return (
    <fieldset className={`radio-group${props.inline ? ' inline' : ''}${props.error ? ' has-error' : ''}`}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value} className="radio">
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={props.value === o.value}
            disabled={props.disabled}
            onChange={() => props.onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
      {props.error && <p className="field-error">{props.error}</p>}
    </fieldset>
  );
}
