/** Today's fallbacks to platform delivery, by reason (the route reasons of each delivery). */
import { useTranslation } from 'react-i18next';
import { number } from '../components/format';
import type { DashboardView } from './types';

export function FallbacksCard({ fallbacks }: { fallbacks: DashboardView['fallbacks'] }) {
  const { t } = useTranslation();
  return (
    <section className="card dash-card" data-testid="dash-fallbacks" aria-labelledby="dash-fallbacks-title">
      <h2 id="dash-fallbacks-title">{t('dashboard.fallbacks.title')}</h2>
      {fallbacks.total === 0 ? (
        <p className="muted">{t('dashboard.fallbacks.none')}</p>
      ) : (
        <>
          <p className="dash-total">{t('dashboard.fallbacks.total', { count: fallbacks.total })}</p>
          <dl className="dash-counts">
            {fallbacks.byReason.map((r) => (
              <div key={r.reason} data-reason={r.reason}>
                <dt>{t(`dashboard.fallbacks.reasons.${r.reason}`)}</dt>
                <dd>{number(r.count)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
