/**
 * The console's first page (issue 20): today at a glance from one call, `GET /api/v1/dashboard`.
 * "Today" is the org's day in its time zone, the day of its caps and plan limit.
 */
import { useTranslation } from 'react-i18next';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { FallbacksCard } from './fallbacks-card';
import { NotificationsCard } from './notifications-card';
import { PlanCard } from './plan-card';
import { RatesCard } from './rates-card';
import { RelayCapsCard } from './relay-caps-card';
import { SuspendedCard } from './suspended-card';
import type { DashboardView } from './types';
import './dashboard.css';

export function DashboardPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const dash = useResource<DashboardView>('/api/v1/dashboard');
  return (
    <div className="dashboard">
      <div className="dash-head">
        <h1>{t('dashboard.title')}</h1>
        <button type="button" className="secondary small" onClick={dash.reload}>
          {t('dashboard.refresh')}
        </button>
      </div>
      <LoadState resource={dash}>
        {(d) => (
          <>
            <p className="muted dash-day">{t('dashboard.day', { day: d.day, zone: d.timeZone })}</p>
            <div className="dash-grid">
              <PlanCard plan={d.plan} />
              <SuspendedCard relays={d.relays} canEdit={canEdit} resumed={dash.reload} />
              <RelayCapsCard relays={d.relays} />
              <FallbacksCard fallbacks={d.fallbacks} />
              <RatesCard bounces={d.bounces} complaints={d.complaints} />
              <NotificationsCard items={d.notifications} />
            </div>
          </>
        )}
      </LoadState>
    </div>
  );
}
