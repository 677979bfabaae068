/**
 * 送信停止リスト (R20, issue 17): list filtered by address, scope and reason; add by hand, remove;
 * admins export and import it as CSV.
 */

import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type SuppressionReason,
  type SuppressionScope,
  suppressionReasons,
  suppressionScopes,
} from '../../../src/domain/suppressions.js';
import { ApiError, del, post, query } from '../api/client';
import type { Suppression } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorBanner, SuccessBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { sourceText } from '../i18n/words';
import { BounceReasonLabel } from '../messages/bounce-reason';

export function SuppressionsPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const [search, setSearch] = useState('');
  const [scope, setScope] = useState<SuppressionScope | ''>('');
  const [reason, setReason] = useState<SuppressionReason | ''>('');
  const [imported, setImported] = useState<string>();
  const list = useResource<{ items: Suppression[] }>(
    `/api/v1/suppressions${query({ address: search.trim(), scope, reason })}`,
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
  const importCsv = async (file: File | undefined) => {
    setImported(undefined);
    if (!file) return;
    const csv = await file.text();
    await run(async () => {
      const r = await post<{ added: number; unchanged: number }>('/api/v1/suppressions/import', { csv });
      setImported(t('suppressions.imported', r));
    });
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
          <Field label={t('suppressions.scope')}>
            <select value={scope} onChange={(e) => setScope(e.target.value as SuppressionScope | '')}>
              <option value="">{t('suppressions.anyScope')}</option>
              {suppressionScopes.map((s) => (
                <option key={s} value={s}>
                  {t(`suppressions.scopes.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('suppressions.reason')}>
            <select value={reason} onChange={(e) => setReason(e.target.value as SuppressionReason | '')}>
              <option value="">{t('suppressions.anyReason')}</option>
              {suppressionReasons.map((r) => (
                <option key={r} value={r}>
                  {t(`suppressions.reasons.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {canEdit && (
          <div className="inline-form card">
            <a
              className="button secondary small"
              href={`/api/v1/suppressions/export.csv${query({ scope, reason })}`}
              download="suppressions.csv"
            >
              {t('suppressions.exportCsv')}
            </a>
            <Field label={t('suppressions.importCsv')} error={error?.fields.csv}>
              <input
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => {
                  void importCsv(e.target.files?.[0]);
                  e.target.value = '';
                }}
              />
            </Field>
          </div>
        )}
      </div>
      <SuccessBanner message={imported} />
      <ErrorBanner error={error && !error.fields.address && !error.fields.csv ? error : undefined} />
      <LoadState resource={list}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('suppressions.empty')}
            columns={[
              t('suppressions.address'),
              t('suppressions.reason'),
              t('suppressions.bounceReason'),
              t('suppressions.scope'),
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
                <td>{t(`suppressions.scopes.${s.scope}`, { defaultValue: s.scope })}</td>
                <td className="clip">{sourceText(s.source)}</td>
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
