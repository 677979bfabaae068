/** The newest notifications, worded as on the notifications page. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../components/format';
import { notificationText } from '../pages/notifications-page';
import type { DashboardView } from './types';

export function NotificationsCard({ items }: { items: DashboardView['notifications'] }) {
  const { t } = useTranslation();
  return (
    <section
      className="card dash-card dash-wide"
      data-testid="dash-notifications"
      aria-labelledby="dash-notifications-title"
    >
      <h2 id="dash-notifications-title">{t('dashboard.notifications.title')}</h2>
      {items.length === 0 ? (
        <p className="muted">{t('dashboard.notifications.none')}</p>
      ) : (
        <ul className="dash-list">
          {items.map((n) => (
            <li key={n.id} data-kind={n.kind} className={n.read ? undefined : 'dash-unread'}>
              <p>{notificationText(n, t)}</p>
              <p className="muted">{dateTime(n.createdAt)}</p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/notifications">{t('dashboard.notifications.all')}</Link>
      </p>
    </section>
  );
}
