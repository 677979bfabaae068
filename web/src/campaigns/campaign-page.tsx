/**
 * A mass email (or any message with many recipients) as a campaign: what was sent, its progress,
 * polled every few seconds while it goes out and shown as it ended after, and its recipients a page
 * at a time. Nothing on it grows with the number of recipients.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../components/format';
import { ErrorState } from '../components/load-state';
import { CampaignProgress } from './campaign-progress';
import { RecipientList } from './recipient-list';
import type { MessageProgress } from './types';
import { usePolled } from './use-polled';

/** While some are queued or sending: every 2 s; when only retries are left (hours apart): every 30 s. */
export const POLL_MS = 2000;
export const POLL_RETRIES_MS = 30_000;

const nextPoll = (p: MessageProgress) =>
  p.done ? null : p.statuses.queued + p.statuses.sending > 0 ? POLL_MS : POLL_RETRIES_MS;

export function CampaignPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const progress = usePolled<MessageProgress>(
    `/api/v1/messages/${encodeURIComponent(id)}/progress`,
    nextPoll,
  );
  const p = progress.data;
  if (!p && progress.error) return <ErrorState error={progress.error} retry={progress.reload} />;
  if (!p)
    return (
      <div className="state loading" role="status">
        {t('app.loading')}
      </div>
    );
  const s = p.statuses;
  // The recipients shown reload whenever the counts move.
  const version = [s.queued, s.sending, s.deferred, s.sent, s.bounced, s.failed].join('/');
  return (
    <div className="campaign">
      <h1 className="campaign-title">{p.subject || t('message.title')}</h1>
      <dl className="facts card campaign-facts">
        <dt>{t('message.from')}</dt>
        <dd>{p.from}</dd>
        <dt>{t('message.type')}</dt>
        <dd>{t(`emailTypes.${p.type}`, { defaultValue: p.type })}</dd>
        <dt>{t('message.createdAt')}</dt>
        <dd>{dateTime(p.createdAt)}</dd>
        <dt>{t('campaign.total')}</dt>
        <dd>{p.total.toLocaleString()}</dd>
        <dt>{t('message.submittedBy')}</dt>
        <dd>{p.submittedBy}</dd>
      </dl>
      <CampaignProgress p={p} />
      <p>
        <Link to={`/messages?messageId=${encodeURIComponent(p.id)}`}>{t('campaign.showInLog')}</Link>
      </p>
      <RecipientList messageId={p.id} version={version} />
    </div>
  );
}
