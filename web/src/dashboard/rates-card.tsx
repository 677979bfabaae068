/** Today's bounce rate and the mass-email complaint rate, with the guard's thresholds. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { number } from '../components/format';
import { percent } from './percent';
import type { DashboardView } from './types';

export function RatesCard({ bounces, complaints }: Pick<DashboardView, 'bounces' | 'complaints'>) {
  const { t } = useTranslation();
  const over = complaints.rate !== null && complaints.rate > complaints.warnRate;
  return (
    <section className="card dash-card" data-testid="dash-rates" aria-labelledby="dash-rates-title">
      <h2 id="dash-rates-title">{t('dashboard.rates.title')}</h2>
      <dl className="dash-rates">
        <div data-rate="bounce">
          <dt>{t('dashboard.rates.bounceRate')}</dt>
          <dd className="dash-figure">{percent(bounces.rate)}</dd>
          <dd className="muted">
            {t('dashboard.rates.bounceDetail', {
              bounced: number(bounces.bounced),
              hard: number(bounces.hard),
              soft: number(bounces.soft),
              sent: number(bounces.sent),
            })}
          </dd>
        </div>
        <div data-rate="complaint">
          <dt>{t('dashboard.rates.complaintRate')}</dt>
          <dd className={`dash-figure${over ? ' dash-bad' : ''}`}>{percent(complaints.rate)}</dd>
          <dd className="muted">
            {t('dashboard.rates.complaintDetail', {
              complaints: number(complaints.complaints),
              delivered: number(complaints.delivered),
            })}
          </dd>
          <dd className="muted">
            {t('dashboard.rates.complaintRule', {
              warn: percent(complaints.warnRate),
              pause: percent(complaints.pauseRate),
            })}
          </dd>
        </div>
      </dl>
      {complaints.paused && (
        <p className="banner error" role="alert">
          {t('dashboard.rates.massPaused')} <Link to="/reports">{t('dashboard.rates.reports')}</Link>
        </p>
      )}
    </section>
  );
}
