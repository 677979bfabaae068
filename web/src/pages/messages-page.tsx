/** メールの送信履歴: one row per delivery, newest first, filtered, a page at a time. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, get, query } from '../api/client';
import type { LogEntry, Page, RelayView } from '../api/types';
import { dateTime, dayEndIso, dayStartIso } from '../components/format';
import { Empty, ErrorState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { filterKeys, type LogFilter, LogFilters } from '../messages/log-filters';
import { ReplyExplained } from '../messages/reply-explained';
import { RouteReasonShort } from '../messages/route-reasons';
import { StatusBadge } from '../messages/status-badge';

// The days of the filter are the org's, like every time shown.
const dayStart = (d: string) => (d ? dayStartIso(d) : undefined);
const dayEnd = (d: string) => (d ? dayEndIso(d) : undefined);

function apiQuery(f: LogFilter, cursor?: string) {
  return query({
    status: f.status,
    type: f.type,
    route: f.route,
    recipient: f.recipient.trim(),
    subject: f.subject.trim(),
    messageId: f.messageId.trim(),
    since: dayStart(f.since),
    until: dayEnd(f.until),
    limit: 50,
    cursor,
  });
}

export function MessagesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? ''])) as unknown as LogFilter;
  const key = apiQuery(filter);
  const relays = useResource<{ items: RelayView[] }>('/api/v1/relays');
  const [rows, setRows] = useState<LogEntry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the query string stands for the filter
  useEffect(() => {
    let live = true;
    setRows(undefined);
    setError(undefined);
    get<Page<LogEntry>>(`/api/v1/messages${key}`).then(
      (p) => {
        if (!live) return;
        setRows(p.items);
        setNext(p.nextCursor);
      },
      (err) => live && setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err))),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  const more = async () => {
    if (!next) return;
    const p = await get<Page<LogEntry>>(`/api/v1/messages${apiQuery(filter, next)}`);
    setRows((r) => [...(r ?? []), ...p.items]);
    setNext(p.nextCursor);
  };
  const apply = (f: LogFilter) => {
    const q = new URLSearchParams();
    for (const k of filterKeys) if (f[k]) q.set(k, f[k]);
    setParams(q);
  };
  return (
    <>
      <div className="page-head">
        <h1>{t('messages.title')}</h1>
        <button type="button" className="secondary small" onClick={() => setTick((n) => n + 1)}>
          {t('app.refresh')}
        </button>
      </div>
      <LogFilters key={key} value={filter} relays={relays.data?.items ?? []} onApply={apply} />
      <div aria-live="polite">
        {error && <ErrorState error={error} retry={() => setTick((n) => n + 1)} />}
        {!error && rows === undefined && <p role="status">{t('app.loading')}</p>}
        {rows && rows.length === 0 && <Empty>{t('messages.empty')}</Empty>}
        {rows && rows.length > 0 && (
          <div className="table-wrap">
            <table className="log">
              <thead>
                <tr>
                  <th scope="col">{t('messages.when')}</th>
                  <th scope="col">{t('messages.recipient')}</th>
                  <th scope="col">{t('messages.subject')}</th>
                  <th scope="col">{t('messages.type')}</th>
                  <th scope="col">{t('messages.route')}</th>
                  <th scope="col">{t('messages.status')}</th>
                  <th scope="col">{t('messages.lastReply')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.deliveryId} data-recipient={r.recipient}>
                    <td>{dateTime(r.createdAt)}</td>
                    <td>
                      <Link to={`/messages/${encodeURIComponent(r.messageId)}`}>{r.recipient}</Link>
                    </td>
                    <td className="clip">{r.subject}</td>
                    <td>
                      {t(`emailTypes.${r.type}`, { defaultValue: r.type })}
                      {r.type === 'mass' && !filter.messageId && (
                        <Link
                          className="campaign-log-link"
                          to={`/messages?messageId=${encodeURIComponent(r.messageId)}`}
                        >
                          {t('campaign.thisCampaign')}
                        </Link>
                      )}
                    </td>
                    <td className="route-cell">
                      {r.route === 'platform' ? t('messages.platform') : (r.routeName ?? '—')}
                      <RouteReasonShort reasons={r.routeReasons} />
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="last-reply">
                      <ReplyExplained ruleId={r.lastReplyRule} reply={r.lastReply} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {next && (
        <button type="button" className="secondary" onClick={more}>
          {t('app.more')}
        </button>
      )}
    </>
  );
}
