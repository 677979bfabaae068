/** 監査ログ: who changed what and when (secrets already redacted by the server). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';
import { auditActions, auditActionText, auditTargetText } from '../i18n/words';

function Changes({ e }: { e: AuditEntry }) {
  const { t } = useTranslation();
  if (e.before === null && e.after === null) return null;
  return (
    <details>
      <summary>{t('words.audit.changes')}</summary>
      <pre className="json" data-raw="">
        {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
      </pre>
    </details>
  );
}

export function AuditLogPage() {
  const { t } = useTranslation();
  const [action, setAction] = useState('');
  const log = useResource<Page<AuditEntry>>(
    `/api/v1/audit-log${query({ action: action.trim(), limit: 200 })}`,
  );
  return (
    <>
      <div className="page-head">
        <h1>{t('auditLog.title')}</h1>
        <span className="spacer" />
        <Field label={t('auditLog.filter')} className="compact">
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('words.allActions')}</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {auditActionText(a)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <LoadState resource={log}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('auditLog.empty')}
            columns={[
              t('auditLog.at'),
              t('auditLog.actor'),
              t('auditLog.action'),
              t('auditLog.target'),
              t('auditLog.changes'),
            ]}
            rowKey={(e) => e.id}
            row={(e) => (
              <>
                <td>{dateTime(e.at)}</td>
                <td>{e.actor.type === 'system' ? t('words.audit.system') : e.actor.label}</td>
                <td data-action={e.action}>{auditActionText(e.action)}</td>
                <td>
                  {auditTargetText(e.target.type)}
                  {e.target.name ? (
                    <>
                      {': '}
                      <strong>{e.target.name}</strong>
                    </>
                  ) : null}
                </td>
                <td>
                  <Changes e={e} />
                </td>
              </>
            )}
          />
        )}
      </LoadState>
    </>
  );
}
