/**
 * Suspended relays with the error that suspended them and a button that resumes each, the same
 * resume as on the relay's edit page (`POST /api/v1/relays/:id/resume`).
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../components/format';
import { ResumeButton, SuspendedReason } from '../relays/suspension-notice';
import type { DashboardRelay } from './types';

function SuspendedRelay({
  relay,
  canEdit,
  resumed,
}: {
  relay: DashboardRelay;
  canEdit: boolean;
  resumed: () => void;
}) {
  const { t } = useTranslation();
  return (
    <li data-relay={relay.name} className="dash-suspended-relay">
      <p className="dash-relay-head">
        <Link to={`/relays/${encodeURIComponent(relay.id)}`} className="dash-relay-name">
          {relay.name}
        </Link>
        <span className="badge status-suspended">
          {t('dashboard.suspended.until', { until: dateTime(relay.suspendedUntil) })}
        </span>
      </p>
      <SuspendedReason relay={relay} />
      <ResumeButton
        relay={relay}
        canEdit={canEdit}
        resumed={resumed}
        label={t('dashboard.suspended.resume')}
      />
    </li>
  );
}

export function SuspendedCard({
  relays,
  canEdit,
  resumed,
}: {
  relays: DashboardRelay[];
  canEdit: boolean;
  resumed: () => void;
}) {
  const { t } = useTranslation();
  const suspended = relays.filter((r) => r.status === 'suspended');
  return (
    <section
      className={`card dash-card${suspended.length > 0 ? ' dash-alert' : ''}`}
      data-testid="dash-suspended"
      aria-labelledby="dash-suspended-title"
    >
      <h2 id="dash-suspended-title">{t('dashboard.suspended.title')}</h2>
      {suspended.length === 0 ? (
        <p className="muted">{t('dashboard.suspended.none')}</p>
      ) : (
        <ul className="dash-list">
          {suspended.map((r) => (
            <SuspendedRelay key={r.id} relay={r} canEdit={canEdit} resumed={resumed} />
          ))}
        </ul>
      )}
    </section>
  );
}
