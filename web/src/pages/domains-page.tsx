/** ドメイン: add a sending domain, then publish its records. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client';
import type { DomainView } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { Empty, LoadState } from '../components/load-state';
import { DomainCard } from '../domains/domain-card';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';

export function DomainsPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const domains = useResource<{ items: DomainView[] }>('/api/v1/domains');
  const [name, setName] = useState('');
  const [algorithm, setAlgorithm] = useState<'rsa-2048' | 'ed25519'>('rsa-2048');
  const [error, setError] = useState<ApiError>();
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await post('/api/v1/domains', { name: name.trim(), dkimAlgorithm: algorithm });
      setName('');
      domains.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  return (
    <>
      <h1>{t('domains.title')}</h1>
      <p className="intro">{t('domains.intro')}</p>
      <form className="inline-form card" onSubmit={add} noValidate>
        <Field label={t('domains.name')} error={error?.fields.name}>
          <input
            value={name}
            disabled={!canEdit}
            placeholder="example.com"
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label={t('domains.algorithm')} error={error?.fields.dkimAlgorithm}>
          <select
            value={algorithm}
            disabled={!canEdit}
            onChange={(e) => setAlgorithm(e.target.value as typeof algorithm)}
          >
            <option value="rsa-2048">RSA 2048</option>
            <option value="ed25519">Ed25519</option>
          </select>
        </Field>
        <button type="submit" disabled={!canEdit || name.trim() === ''}>
          {t('domains.add')}
        </button>
      </form>
      <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      <LoadState resource={domains}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('domains.empty')}</Empty>
          ) : (
            items.map((d) => <DomainCard key={d.id} domain={d} canEdit={canEdit} changed={domains.reload} />)
          )
        }
      </LoadState>
    </>
  );
}
