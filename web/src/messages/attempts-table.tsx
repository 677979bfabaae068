/**
 * Every attempt of one delivery: when, which route and host, its TLS (version, and whether the
 * certificate was verified), the outcome and the server's reply.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Attempt } from '../api/types';
import { dateTime } from '../components/format';
import { attemptActionText } from '../i18n/words';
import { ReplyExplained } from './reply-explained';

export function AttemptsTable({ attempts }: { attempts: Attempt[] }) {
  const { t } = useTranslation();
  if (attempts.length === 0) return <p className="muted">{t('message.noAttempts')}</p>;
  return (
    <div className="table-wrap">
      <table className="attempts">
        <caption className="visually-hidden">{t('message.attempts')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('message.at')}</th>
            <th scope="col">{t('message.route')}</th>
            <th scope="col">{t('message.host')}</th>
            <th scope="col">{t('mtaSts.tls')}</th>
            <th scope="col">{t('message.action')}</th>
            <th scope="col">{t('message.code')}</th>
            <th scope="col">{t('message.reply')}</th>
            <th scope="col">{t('message.duration')}</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={`${a.at}-${a.route}-${a.action}`}>
              <td>{dateTime(a.at)}</td>
              <td>{a.route === 'platform' ? t('messages.platform') : a.routeName}</td>
              <td>
                <code>{a.host ?? '—'}</code>
              </td>
              <td>{tlsText(t, a)}</td>
              <td>{attemptActionText(a.action)}</td>
              <td>{a.status ?? '—'}</td>
              <td className="wrap">
                <ReplyExplained ruleId={a.ruleId} reply={a.reply} />
              </td>
              <td>{t('test.ms', { ms: a.durationMs })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `TLSv1.3, certificate verified`, `Not encrypted`, or a dash when the attempt recorded nothing. */
function tlsText(t: TFunction, a: Attempt): string {
  if (a.tlsVersion)
    return t(a.tlsVerified ? 'mtaSts.verified' : 'mtaSts.unverified', { version: a.tlsVersion });
  return a.tlsVerified === false ? t('mtaSts.clear') : '—';
}
