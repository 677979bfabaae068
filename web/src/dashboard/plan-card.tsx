/** Today's use of the plan's daily limit. */
import { useTranslation } from 'react-i18next';
import { number } from '../components/format';
import type { DashboardView } from './types';

export function PlanCard({ plan }: { plan: DashboardView['plan'] }) {
  const { t } = useTranslation();
  const reached = plan.used >= plan.limit;
  const label = t('dashboard.plan.of', { used: number(plan.used), limit: number(plan.limit) });
  return (
    <section className="card dash-card" data-testid="dash-plan" aria-labelledby="dash-plan-title">
      <h2 id="dash-plan-title">{t('dashboard.plan.title')}</h2>
      <p className="dash-figure">{label}</p>
      <meter
        className="dash-meter"
        min={0}
        max={plan.limit}
        high={plan.limit * 0.9}
        optimum={0}
        value={plan.used}
        aria-label={label}
      />
      {reached ? (
        <p className="badge status-cap-reached dash-reached">{t('dashboard.plan.reached')}</p>
      ) : (
        <p className="muted">
          {t('dashboard.plan.left', { left: number(plan.limit - plan.used), plan: plan.name })}
        </p>
      )}
    </section>
  );
}
