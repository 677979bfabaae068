/** One message: what was sent, and per recipient its status, attempts, bounces and archived copy. */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { MessageDetail } from '../api/types';
import { CampaignPage } from '../campaigns/campaign-page';
import type { MessageProgress } from '../campaigns/types';
import { dateTime } from '../components/format';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { AttemptsTable } from '../messages/attempts-table';
import { BounceList } from '../messages/bounce-list';
import { RouteReasonsDetail } from '../messages/route-reasons';
import { StatusBadge } from '../messages/status-badge';

function Detail({ m }: { m: MessageDetail }) {
  const { t } = useTranslation();
  const raw = (deliveryId: string) =>
    `/api/v1/messages/${encodeURIComponent(m.id)}/raw?delivery=${encodeURIComponent(deliveryId)}`;
  return (
    <>
      <h1 className="clip">{m.subject || t('message.title')}</h1>
      <dl className="facts card">
        <dt>{t('message.from')}</dt>
        <dd>{m.from}</dd>
        <dt>{t('message.type')}</dt>
        <dd>{t(`emailTypes.${m.type}`, { defaultValue: m.type })}</dd>
        <dt>{t('message.createdAt')}</dt>
        <dd>{dateTime(m.createdAt)}</dd>
        <dt>{t('message.size')}</dt>
        <dd>{t('message.bytes', { n: m.size.toLocaleString() })}</dd>
        <dt>{t('message.submittedBy')}</dt>
        <dd>{m.submittedBy}</dd>
      </dl>
      <h2>{t('message.deliveries')}</h2>
      {m.deliveries.map((d) => (
        <section key={d.id} className="card delivery" aria-label={d.recipient}>
          <div className="page-head">
            <h3>{d.recipient}</h3>
            <StatusBadge status={d.status} />
            <span className="muted">
              {t('message.route')}: {d.route === 'platform' ? t('messages.platform') : (d.routeName ?? '—')}
            </span>
            <span className="spacer" />
            {d.archived ? (
              <a className="button secondary small" href={raw(d.id)} download>
                {t('message.downloadEml')}
              </a>
            ) : (
              <span className="muted">{t('message.notArchived')}</span>
            )}
          </div>
          {d.sentAt && (
            <p className="muted">
              {t('message.sentAt')}: {dateTime(d.sentAt)}
            </p>
          )}
          {d.nextAttemptAt && (
            <p className="muted">
              {t('message.nextAttempt')}: {dateTime(d.nextAttemptAt)}
            </p>
          )}
          <RouteReasonsDetail reasons={d.routeReasons} />
          <AttemptsTable attempts={d.attempts} />
          <BounceList bounces={d.bounces} />
        </section>
      ))}
    </>
  );
}

/** More recipients than this, or a mass email: shown as a campaign, its recipients paged. */
const CARDS_AT_MOST = 20;

export function MessagePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const kind = useResource<MessageProgress>(`/api/v1/messages/${encodeURIComponent(id)}/progress`);
  const campaign = kind.data && (kind.data.type === 'mass' || kind.data.total > CARDS_AT_MOST);
  const message = useResource<MessageDetail>(
    kind.data && !campaign ? `/api/v1/messages/${encodeURIComponent(id)}` : null,
  );
  return (
    <>
      <p>
        <Link to="/messages">← {t('message.back')}</Link>
      </p>
      {campaign ? (
        <CampaignPage id={id} />
      ) : kind.data ? (
        <LoadState resource={message}>{(m) => <Detail m={m} />}</LoadState>
      ) : (
        <LoadState resource={kind}>{() => null}</LoadState>
      )}
    </>
  );
}
