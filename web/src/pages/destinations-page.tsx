/**
 * Destinations (issue 21): each shaping rule in force on platform delivery, with the connections
 * in use, the rate now, and the pause a pushback set (until when, and the reply that set it).
 * Platform-wide: every org reads it; platform admins may resume a destination now.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, post } from '../api/client';
import type { DestinationView } from '../api/types';
import { dateTime } from '../components/format';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';

function DestinationCard({
  d,
  canResume,
  onResumed,
}: {
  d: DestinationView;
  canResume: boolean;
  onResumed: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const slowed = d.currentRatePerMinute !== null && d.currentRatePerMinute !== d.ratePerMinute;
  const resume = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/v1/destinations/${encodeURIComponent(d.id)}/resume`);
      onResumed();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card destination" aria-labelledby={`dest-${d.id}`}>
      <div className="page-head">
        {/* The rule's id and what it matches are the operator's names, as in MAILROUTE_SHAPING. */}
        <h2 id={`dest-${d.id}`} data-technical>
          {d.id}
        </h2>
        {d.pausedUntil ? (
          <span className="badge status-suspended">{t('destinations.paused')}</span>
        ) : slowed ? (
          <span className="badge status-warning">{t('destinations.slowed')}</span>
        ) : (
          <span className="badge status-active">{t('destinations.open')}</span>
        )}
      </div>
      <p className="muted" data-technical>
        {[...d.domains, ...d.mxSuffixes.map((s) => t('destinations.mx', { suffix: s }))].join(', ')}
      </p>
      <dl className="facts">
        <dt>{t('destinations.connections')}</dt>
        <dd>{t('destinations.inUse', { used: d.connectionsInUse, max: d.maxConnections })}</dd>
        <dt>{t('destinations.perConnection')}</dt>
        <dd>{d.messagesPerConnection}</dd>
        <dt>{t('destinations.rate')}</dt>
        <dd>
          {d.currentRatePerMinute === null
            ? t('destinations.noRate')
            : t('destinations.rateNow', {
                sent: d.sentLastMinute,
                rate: d.currentRatePerMinute,
                base: d.ratePerMinute,
              })}
        </dd>
        <dt>{t('destinations.pausedUntil')}</dt>
        <dd>{d.pausedUntil ? dateTime(d.pausedUntil) : '—'}</dd>
        {d.pausedBy && (
          <>
            <dt>{t('destinations.pausedBy')}</dt>
            <dd>
              <code className="wrap">{d.pausedBy}</code>
            </dd>
          </>
        )}
      </dl>
      {canResume && (d.pausedUntil || slowed) && (
        <div className="row">
          <button type="button" onClick={resume} disabled={busy}>
            {t('destinations.resume')}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}

export function DestinationsPage() {
  const { t } = useTranslation();
  const list = useResource<{ items: DestinationView[]; canResume: boolean }>('/api/v1/destinations');
  return (
    <>
      <div className="page-head">
        <h1>{t('destinations.title')}</h1>
        <button type="button" className="secondary small" onClick={list.reload}>
          {t('app.refresh')}
        </button>
      </div>
      <p className="intro">{t('destinations.intro')}</p>
      <LoadState resource={list}>
        {({ items, canResume }) =>
          items.map((d) => <DestinationCard key={d.id} d={d} canResume={canResume} onResumed={list.reload} />)
        }
      </LoadState>
    </>
  );
}
