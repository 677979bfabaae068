/** 稼働状況: one relay's attempts, acceptance, latency and suspensions over 24 hours and 7 days. */

import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RelayHealth } from '../api/types';
import { dateTime, hourMinute, monthDay, number, timeZone } from '../components/format';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { attemptActionText } from '../i18n/words';
import { ReplyExplained } from '../messages/reply-explained';

type Window = RelayHealth['windows']['24h'];

function duration(ms: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (ms < 60_000) return t('relayHealth.none');
  const minutes = Math.round(ms / 60_000);
  return minutes < 120
    ? t('relayHealth.minutes', { n: minutes })
    : t('relayHealth.hours', { n: (minutes / 60).toFixed(1) });
}

function WindowCard({ title, w }: { title: string; w: Window }) {
  const { t } = useTranslation();
  const rate = w.acceptanceRate === null ? '—' : `${(w.acceptanceRate * 100).toFixed(1)}%`;
  const ms = (v: number | null) => (v === null ? '—' : t('relayHealth.ms', { n: number(v) }));
  return (
    <section className="card">
      <h2>{title}</h2>
      <dl className="facts">
        <dt>{t('relayHealth.attempts')}</dt>
        <dd>{number(w.attempts)}</dd>
        <dt>{t('relayHealth.acceptance')}</dt>
        <dd>
          {rate}{' '}
          <span className="muted">
            {t('relayHealth.sentFailed', { sent: number(w.sent), failed: number(w.failed) })}
          </span>
        </dd>
        <dt>{t('relayHealth.latency')}</dt>
        <dd>
          p50 {ms(w.p50Ms)} / p99 {ms(w.p99Ms)}
        </dd>
        <dt>{t('relayHealth.suspended')}</dt>
        <dd>{duration(w.suspendedMs, t)}</dd>
      </dl>
    </section>
  );
}

function Chart({ title, rows }: { title: string; rows: { label: string; sent: number; failed: number }[] }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{title}</h2>
      <div className="chart" role="img" aria-label={title}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="sent" name={t('relayHealth.sent')} stackId="a" fill="#16a34a" />
            <Bar dataKey="failed" name={t('relayHealth.failed')} stackId="a" fill="#dc2626" />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

function Health({ h }: { h: RelayHealth }) {
  const { t } = useTranslation();
  const hour = hourMinute;
  const day = monthDay;
  return (
    <>
      <section className="card">
        <dl className="facts">
          <dt>{t('relayHealth.status')}</dt>
          <dd>
            {h.status === 'suspended'
              ? t('relayStatus.suspended', { until: dateTime(h.suspendedUntil) })
              : t(`relayStatus.${h.status}`)}
          </dd>
          <dt>{t('relayHealth.failuresToday')}</dt>
          <dd>{number(h.failuresToday)}</dd>
          <dt>{t('relayHealth.lastError')}</dt>
          <dd className="wrap">
            {h.lastError ? (
              <>
                {dateTime(h.lastError.at)} {attemptActionText(h.lastError.action)}
                {h.lastError.status ? ` (${h.lastError.status})` : ''}:{' '}
                <ReplyExplained ruleId={h.lastError.ruleId} reply={h.lastError.reply} />
              </>
            ) : (
              t('relayHealth.noError')
            )}
          </dd>
        </dl>
      </section>
      <div className="cards-2">
        <WindowCard title={t('relayHealth.last24h')} w={h.windows['24h']} />
        <WindowCard title={t('relayHealth.last7d')} w={h.windows['7d']} />
      </div>
      <Chart
        title={`${t('relayHealth.hourly')} (${timeZone()})`}
        rows={h.hourly.map((b) => ({ label: hour(b.start), sent: b.sent, failed: b.failed }))}
      />
      <Chart
        title={`${t('relayHealth.daily')} (${timeZone()})`}
        rows={h.daily.map((b) => ({ label: day(b.start), sent: b.sent, failed: b.failed }))}
      />
    </>
  );
}

export function RelayHealthPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const health = useResource<RelayHealth>(`/api/v1/relays/${encodeURIComponent(id)}/health`);
  return (
    <>
      <div className="page-head">
        <h1>{t('relayHealth.title', { name: health.data?.name ?? '' })}</h1>
        <span className="spacer" />
        <Link className="button secondary" to="/relays">
          {t('relayHealth.back')}
        </Link>
      </div>
      <LoadState resource={health}>{(h) => <Health h={h} />}</LoadState>
    </>
  );
}
