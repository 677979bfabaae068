/**
 * Each relay against its daily cap today, with the relay list's status badge: 上限到達 / "Cap
 * reached" once its use meets its cap, suspended or disabled otherwise.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { number } from '../components/format';
import { RelayStatus } from '../relays/relay-status';
import type { DashboardRelay } from './types';

export function RelayCapsCard({ relays }: { relays: DashboardRelay[] }) {
  const { t } = useTranslation();
  return (
    <section
      className="card dash-card dash-wide"
      data-testid="dash-relays"
      aria-labelledby="dash-relays-title"
    >
      <h2 id="dash-relays-title">{t('dashboard.relays.title')}</h2>
      {relays.length === 0 ? (
        <p className="muted">{t('dashboard.relays.empty')}</p>
      ) : (
        <ul className="dash-relays">
          {relays.map((r) => {
            const atCap = r.usageToday >= r.dailyLimit;
            const label = t('relays.usageOf', { used: number(r.usageToday), limit: number(r.dailyLimit) });
            return (
              <li key={r.id} data-relay={r.name} className={atCap ? 'dash-at-cap' : undefined}>
                <div className="dash-relay-head">
                  <Link to={`/relays/${encodeURIComponent(r.id)}`} className="dash-relay-name">
                    {r.name}
                  </Link>
                  <RelayStatus relay={r} />
                </div>
                <meter
                  className="dash-meter"
                  min={0}
                  max={r.dailyLimit}
                  high={r.dailyLimit * 0.9}
                  optimum={0}
                  value={r.usageToday}
                  aria-label={`${r.name}: ${label}`}
                />
                <p className="dash-relay-foot">
                  <span>{label}</span>
                  {atCap && r.status === 'active' && (
                    <span className="muted">{t('dashboard.relays.capReachedHint')}</span>
                  )}
                  <Link to={`/relays/${encodeURIComponent(r.id)}/health`}>
                    {t('dashboard.relays.health')}
                  </Link>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
