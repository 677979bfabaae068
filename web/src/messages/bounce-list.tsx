/** Bounce reports received for a delivery (class, reason, status code, diagnostic), when the server has them. */
import { useTranslation } from 'react-i18next';
import type { BounceView } from '../api/types';
import { dateTime } from '../components/format';
import { dsnActionText } from '../i18n/words';
import { BounceReasonLabel } from './bounce-reason';

export function BounceList({ bounces }: { bounces: BounceView[] | undefined }) {
  const { t } = useTranslation();
  if (bounces === undefined) return null;
  return (
    <div className="bounces">
      <h4>{t('message.bounces')}</h4>
      {bounces.length === 0 ? (
        <p className="muted">{t('message.noBounces')}</p>
      ) : (
        <ul>
          {bounces.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: reports have no id of their own
            <li key={i}>
              <span className={`badge bounce-${b.class}`}>{t(`message.classes.${b.class}`)}</span>{' '}
              <span className="visually-hidden">{t('message.bounceReason')}: </span>
              <BounceReasonLabel reason={b.reason} /> <code>{b.status}</code> {dsnActionText(b.action)}{' '}
              <span className="muted">{dateTime(b.at)}</span>
              {b.diagnosticCode && (
                <p className="mono wrap" data-raw="">
                  <span className="visually-hidden">{t('message.diagnostic')}: </span>
                  {b.diagnosticCode}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
