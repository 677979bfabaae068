/** レポート: daily volume per relay and platform (stacked), bounces per day, and the numbers. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Usage } from '../api/types';
import { Field } from '../components/field';
import { Empty, LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { ComplaintRateCard } from './complaint-rate-card';

const palette = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

function series(u: Usage) {
  const relays = new Map<string, string>();
  for (const d of u.days) for (const r of d.relays) relays.set(r.relayId, r.name);
  const rows = u.days.map((d) => ({
    day: d.day.slice(5),
    platform: d.platform,
    bounced: d.bounced,
    total: d.plan,
    ...Object.fromEntries(d.relays.map((r) => [r.relayId, r.count])),
  }));
  return { relays: [...relays.entries()], rows };
}

function Charts({ u }: { u: Usage }) {
  const { t } = useTranslation();
  const { relays, rows } = series(u);
  const sent = u.days.reduce((n, d) => n + d.plan, 0);
  return (
    <>
      <p className="muted">
        {t('reports.planLimit', { limit: u.dailyLimit.toLocaleString(), tz: u.timeZone })}
      </p>
      {sent === 0 && <Empty>{t('reports.empty')}</Empty>}
      <section className="card">
        <h2>{t('reports.volume')}</h2>
        <div className="chart" role="img" aria-label={t('reports.volume')}>
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={rows}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {relays.map(([id, name], i) => (
                <Bar key={id} dataKey={id} name={name} stackId="v" fill={palette[i % palette.length]} />
              ))}
              <Bar dataKey="platform" name={t('reports.platform')} stackId="v" fill="#64748b" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>
      <section className="card">
        <h2>{t('reports.bounces')}</h2>
        <div className="chart" role="img" aria-label={t('reports.bounces')}>
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={rows}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="bounced" name={t('reports.bounced')} fill="#dc2626" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>
      <details className="card">
        <summary>{t('reports.table')}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('reports.day')}</th>
              {relays.map(([id, name]) => (
                <th scope="col" key={id}>
                  {name}
                </th>
              ))}
              <th scope="col">{t('reports.platform')}</th>
              <th scope="col">{t('reports.total')}</th>
              <th scope="col">{t('reports.bounced')}</th>
            </tr>
          </thead>
          <tbody>
            {u.days.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                {relays.map(([id]) => (
                  <td key={id}>{d.relays.find((r) => r.relayId === id)?.count ?? 0}</td>
                ))}
                <td>{d.platform}</td>
                <td>{d.plan}</td>
                <td>{d.bounced}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

export function ReportsPage() {
  const { t } = useTranslation();
  const [days, setDays] = useState(14);
  const usage = useResource<Usage>(`/api/v1/usage?days=${days}`);
  return (
    <>
      <div className="page-head">
        <h1>{t('reports.title')}</h1>
        <span className="spacer" />
        <Field label={t('reports.days')} className="compact">
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[7, 14, 30, 90].map((n) => (
              <option key={n} value={n}>
                {t('reports.lastDays', { n })}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ComplaintRateCard />
      <LoadState resource={usage}>{(u) => <Charts u={u} />}</LoadState>
    </>
  );
}
