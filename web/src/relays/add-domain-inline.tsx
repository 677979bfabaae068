/** Adds a sending domain from inside the relay form and hands its id back. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client';
import type { DomainView } from '../api/types';
import { Field } from '../components/field';

export function AddDomainInline({
  onAdded,
  disabled,
}: {
  onAdded: (domain: DomainView) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="link" disabled={disabled} onClick={() => setOpen(true)}>
        {t('relayForm.addDomain')}
      </button>
    );
  }
  const add = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const domain = await post<DomainView>('/api/v1/domains', { name: name.trim() });
      onAdded(domain);
      setName('');
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-add">
      <Field
        label={t('relayForm.newDomain')}
        error={error ? (error.fields.name ?? error.message) : undefined}
      >
        <input
          value={name}
          placeholder="example.com"
          autoCapitalize="off"
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void add();
            }
          }}
        />
      </Field>
      <button type="button" className="secondary" disabled={busy || name.trim() === ''} onClick={add}>
        {t('relayForm.addDomainButton')}
      </button>
      <button type="button" className="link" onClick={() => setOpen(false)}>
        {t('app.cancel')}
      </button>
    </div>
  );
}
