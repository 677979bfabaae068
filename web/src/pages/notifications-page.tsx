/** 通知: relay suspensions and sign-ins to renew, newest first. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { NotificationView } from '../api/types';
import { dateTime } from '../components/format';
import { Empty, LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';

/** One notification in words (also on the dashboard). */
export function notificationText(
  n: NotificationView,
  t: (k: string, o?: Record<string, unknown>) => string,
): string {
  const d = n.data;
  const name = String(d.relayName ?? d.name ?? d.relayId ?? '');
  const until =
    typeof d.until === 'string'
      ? dateTime(d.until)
      : typeof d.suspendedUntil === 'string'
        ? dateTime(d.suspendedUntil)
        : '';
  if (n.kind === 'relay.suspended' || n.kind === 'relay.oauth_reauth')
    return t(`notifications.kinds.${n.kind}`, { name, until });
  if (n.kind === 'org.complaint_rate_warning' || n.kind === 'org.mass_paused')
    return t(`notifications.kinds.${n.kind}`, { rate: d.rate, day: d.day });
  return t('notifications.other', { kind: n.kind });
}

export function NotificationsPage() {
  const { t } = useTranslation();
  const list = useResource<{ items: NotificationView[] }>('/api/v1/notifications');
  return (
    <>
      <h1>{t('notifications.title')}</h1>
      <LoadState resource={list}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('notifications.empty')}</Empty>
          ) : (
            <ul className="notifications">
              {items.map((n) => (
                <li key={n.id} className={`card${n.read ? '' : ' unread'}`} data-kind={n.kind}>
                  <p>{notificationText(n, t)}</p>
                  <p className="muted">
                    {dateTime(n.createdAt)}
                    {typeof n.data.relayId === 'string' && (
                      <>
                        {' · '}
                        <Link to={`/relays/${encodeURIComponent(n.data.relayId)}`}>
                          {t('notifications.open')}
                        </Link>
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </>
  );
}
