/** 送信停止リスト (R20): list, add by hand, remove. "Not available" until the API has it. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, post, query } from '../api/client';
import type { Suppression } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { BounceReasonLabel } from '../messages/bounce-reason';

export function SuppressionsPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const [search, setSearch] = useState('');
  const list = useResource<{ items: Suppression[] }>(
    `/api/v1/suppressions${query({ address: search.trim() })}`,
  );
  const [address, setAddress] = useState('');
  const [error, setError] = useState<ApiError>();
  const run = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      list.reload();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
      return false;
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => post('/api/v1/suppressions', { address: address.trim() }))) setAddress('');
  };
  const remove = (s: Suppression) => run(() => del(`/api/v1/suppressions/${encodeURIComponent(s.address)}`));
  return (
    <>
      <h1>{t('suppressions.title')}</h1>
      <p className="intro">{t('suppressions.intro')}</p>
      <div className="row wrap-row">
        <form className="inline-form card" onSubmit={add} noValidate>
          <Field label={t('suppressions.address')} error={error?.fields.address}>
            <input
              type="email"
              value={address}
              disabled={!canEdit}
              onChange={(e) => setAddress(e.target.value)}
            />
          </Field>
          <button type="submit" disabled={!canEdit || address.trim() === ''}>
            {t('suppressions.add')}
          </button>
        </form>
        <div className="inline-form card">
          <Field label={t('suppressions.search')}>
            <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          </Field>
        </div>
      </div>
      <ErrorBanner error={error && !error.fields.address ? error : undefined} />
      <LoadState resource={list}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('suppressions.empty')}
            columns={[
              t('suppressions.address'),
              t('suppressions.reason'),
              t('suppressions.bounceReason'),
              t('suppressions.detail'),
              t('suppressions.added'),
              { hidden: t('suppressions.remove') },
            ]}
            rowKey={(s) => s.address}
            row={(s) => (
              <>
                <td>{s.address}</td>
                <td>{t(`suppressions.reasons.${s.reason}`, { defaultValue: s.reason })}</td>
                <td>{s.bounceReason ? <BounceReasonLabel reason={s.bounceReason} /> : '—'}</td>
                <td className="mono clip">{s.source}</td>
                <td>{dateTime(s.createdAt)}</td>
                <td>
                  <ConfirmButton
                    label={t('suppressions.remove')}
                    question={t('suppressions.confirmRemove', { address: s.address })}
                    disabled={!canEdit}
                    onConfirm={() => remove(s).then(() => undefined)}
                  />
                </td>
              </>
            )}
          />
        )}
      </LoadState>
    </>
  );
}
