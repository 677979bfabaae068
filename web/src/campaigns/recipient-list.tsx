/**
 * A campaign's recipients, a page at a time (cursor paging, forward and back), searchable by address
 * or by the subject each one got after merge fields, and by status. Each row is a compact card of
 * the campaign's own layout, so it reads at 390 px without sideways scrolling.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deliveryStatuses } from '../../../src/domain/delivery-statuses.js';
import { ApiError, get, query } from '../api/client';
import type { Page } from '../api/types';
import { dateTime } from '../components/format';
import { Empty, ErrorState } from '../components/load-state';
import { ReplyExplained } from '../messages/reply-explained';
import { RouteReasonShort, RouteReasonsDetail } from '../messages/route-reasons';
import { StatusBadge } from '../messages/status-badge';
import type { Recipient } from './types';

export const RECIPIENTS_PER_PAGE = 25;

function RecipientRow({ messageId, r }: { messageId: string; r: Recipient }) {
  const { t } = useTranslation();
  const route =
    r.routeKind === 'relay' ? (r.routeName ?? '—') : r.routeKind ? t(`campaign.routes.${r.routeKind}`) : null;
  const raw = `/api/v1/messages/${encodeURIComponent(messageId)}/raw?delivery=${encodeURIComponent(r.id)}`;
  return (
    <li className="campaign-recipient" data-recipient={r.recipient}>
      <div className="campaign-recipient-main">
        <span className="campaign-recipient-address">{r.recipient}</span>
        <span className="campaign-recipient-subject">{r.subject}</span>
        {r.lastReply && r.status !== 'sent' && (
          <span className="campaign-recipient-reply">
            <ReplyExplained ruleId={r.lastReplyRule} reply={r.lastReply} />
          </span>
        )}
      </div>
      <div className="campaign-recipient-side">
        <StatusBadge status={r.status} />
        {route && <span className="muted">{route}</span>}
        {r.sentAt && <span className="muted">{dateTime(r.sentAt)}</span>}
        {r.archived && (
          <a href={raw} download>
            {t('campaign.eml')}
          </a>
        )}
      </div>
      {r.routeReasons && (
        <details className="campaign-recipient-why">
          <summary>
            {t('campaign.why')} <RouteReasonShort reasons={r.routeReasons} />
          </summary>
          <RouteReasonsDetail reasons={r.routeReasons} />
        </details>
      )}
    </li>
  );
}

export function RecipientList({ messageId, version }: { messageId: string; version: string }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ q: '', status: '' });
  const [search, setSearch] = useState({ q: '', status: '' });
  /** The cursors of the pages walked so far; the last is the page shown ('' for the first). */
  const [cursors, setCursors] = useState<string[]>(['']);
  const [page, setPage] = useState<Page<Recipient>>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const cursor = cursors.at(-1) ?? '';
  const path = `/api/v1/messages/${encodeURIComponent(messageId)}/deliveries${query({
    q: search.q.trim() || undefined,
    status: search.status || undefined,
    limit: RECIPIENTS_PER_PAGE,
    cursor: cursor || undefined,
  })}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: version and tick reload the page shown
  useEffect(() => {
    let live = true;
    get<Page<Recipient>>(path).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError(undefined);
      },
      (err: unknown) =>
        live && setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err))),
    );
    return () => {
      live = false;
    };
  }, [path, version, tick]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(draft);
    setCursors(['']);
    setPage(undefined);
  };
  const clear = () => {
    const none = { q: '', status: '' };
    setDraft(none);
    setSearch(none);
    setCursors(['']);
    setPage(undefined);
  };
  const first = (cursors.length - 1) * RECIPIENTS_PER_PAGE + 1;
  return (
    <section className="card campaign-recipients-card" aria-labelledby="campaign-recipients-title">
      <h2 id="campaign-recipients-title">{t('campaign.recipients')}</h2>
      <form className="campaign-search" aria-label={t('campaign.search')} onSubmit={submit}>
        <label className="campaign-search-q">
          <span>{t('campaign.search')}</span>
          <input
            type="search"
            value={draft.q}
            maxLength={200}
            placeholder={t('campaign.searchHint')}
            onChange={(e) => setDraft((d) => ({ ...d, q: e.target.value }))}
          />
        </label>
        <label className="campaign-search-status">
          <span>{t('messages.status')}</span>
          <select value={draft.status} onChange={(e) => setDraft((d) => ({ ...d, status: e.target.value }))}>
            <option value="">{t('messages.any')}</option>
            {deliveryStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="campaign-search-actions">
          <button type="submit">{t('campaign.searchButton')}</button>
          <button type="button" className="link" onClick={clear}>
            {t('messages.clear')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {error && <ErrorState error={error} retry={() => setTick((n) => n + 1)} />}
        {!error && page === undefined && <p role="status">{t('app.loading')}</p>}
        {page && page.items.length === 0 && <Empty>{t('campaign.empty')}</Empty>}
        {page && page.items.length > 0 && (
          <>
            <p className="muted campaign-range" data-testid="campaign-range">
              {t('campaign.range', { from: first, to: first + page.items.length - 1 })}
            </p>
            <ul className="campaign-recipients">
              {page.items.map((r) => (
                <RecipientRow key={r.id} messageId={messageId} r={r} />
              ))}
            </ul>
          </>
        )}
      </div>
      <nav className="campaign-pager" aria-label={t('campaign.pages')}>
        <button
          type="button"
          className="secondary small"
          disabled={cursors.length <= 1}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          ← {t('campaign.previous')}
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}
        >
          {t('campaign.next')} →
        </button>
      </nav>
    </section>
  );
}
