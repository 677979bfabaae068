/** What the API says of a bounce mailbox's polls: the last one, its error, and the counts so far. */
import { useTranslation } from 'react-i18next';
import type { BounceMailbox, BounceMailboxPoll } from '../api/types';
import { dateTime, number } from '../components/format';

export function MailboxStatus({ status }: { status: BounceMailbox['status'] }) {
  const { t } = useTranslation();
  return (
    <dl className="facts mailbox-status">
      <dt>{t('bounceMailbox.lastPoll')}</dt>
      <dd>{status.lastPollAt ? dateTime(status.lastPollAt) : t('bounceMailbox.never')}</dd>
      <dt>{t('bounceMailbox.lastSuccess')}</dt>
      <dd>{dateTime(status.lastSuccessAt)}</dd>
      {status.lastError && (
        <>
          <dt>{t('bounceMailbox.lastError')}</dt>
          <dd className="failed">{status.lastError}</dd>
        </>
      )}
      <dt>{t('bounceMailbox.processed')}</dt>
      <dd>{number(status.processed)}</dd>
      <dt>{t('bounceMailbox.recorded')}</dt>
      <dd>{number(status.recorded)}</dd>
      <dt>{t('bounceMailbox.unmatched')}</dt>
      <dd>{number(status.unmatched)}</dd>
      <dt>{t('bounceMailbox.notBounces')}</dt>
      <dd>{number(status.notBounces)}</dd>
    </dl>
  );
}

/** The answer of "poll now", announced. */
export function PollResult({ result }: { result: BounceMailboxPoll | undefined }) {
  const { t } = useTranslation();
  return (
    <div aria-live="polite">
      {result &&
        (result.ok ? (
          <p className="banner success">
            {t('bounceMailbox.pollOk', {
              processed: result.processed,
              recorded: result.recorded,
              notBounces: result.notBounces,
            })}
          </p>
        ) : (
          <p className="banner error">{t('bounceMailbox.pollFailed', { error: result.error })}</p>
        ))}
    </div>
  );
}
