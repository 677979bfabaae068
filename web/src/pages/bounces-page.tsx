/** 不達メール: the org's recorded bounces, newest first, with their reason in plain words; by reason. */
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { bounceReasons, isBounceReason } from '../../../src/domain/bounce-reasons.js';
import { query } from '../api/client';
import type { Bounce, Page } from '../api/types';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { sourceText } from '../i18n/words';
import { BounceReasonLabel } from '../messages/bounce-reason';

export function BouncesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const given = params.get('reason') ?? '';
  const reason = isBounceReason(given) ? given : '';
  const list = useResource<Page<Bounce>>(`/api/v1/bounces${query({ reason, limit: 200 })}`);
  const choose = (value: string) => setParams(value ? { reason: value } : {}, { replace: true });
  return (
    <>
      <div className="page-head">
        <h1>{t('bounces.title')}</h1>
        <span className="spacer" />
        <Field label={t('bounces.reason')} className="compact">
          <select value={reason} onChange={(e) => choose(e.target.value)}>
            <option value="">{t('bounces.allReasons')}</option>
            {bounceReasons.map((r) => (
              <option key={r} value={r}>
                {t(`bounceReasons.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p className="intro">{t('bounces.intro')}</p>
      <LoadState resource={list}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('bounces.empty')}
            columns={[
              t('bounces.at'),
              t('bounces.reason'),
              t('bounces.recipient'),
              t('bounces.class'),
              t('bounces.status'),
              t('bounces.source'),
            ]}
            rowKey={(b) => b.id}
            row={(b) => (
              <>
                <td>{dateTime(b.createdAt)}</td>
                <td>
                  <BounceReasonLabel reason={b.reason} />
                </td>
                <td className="clip">
                  <Link to={`/messages/${encodeURIComponent(b.messageId)}`}>{b.recipient}</Link>
                </td>
                <td>
                  <span className={`badge bounce-${b.class}`}>{t(`message.classes.${b.class}`)}</span>
                </td>
                <td>
                  <code>{b.status || '—'}</code>
                </td>
                <td className="clip">{sourceText(b.source)}</td>
              </>
            )}
          />
        )}
      </LoadState>
    </>
  );
}
