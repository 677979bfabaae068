/** 監査ログ: who changed what and when (secrets already redacted by the server). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { Empty, LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';

function Changes({ e }: { e: AuditEntry }) {
  if (e.before === null && e.after === null) return null;
  return (
    <details>
      <summary>JSON</summary>
      <pre className="json">{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
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
          <input
            type="search"
            value={action}
            placeholder="relay.update"
            onChange={(e) => setAction(e.target.value)}
          />
        </Field>
      </div>
      <LoadState resource={log}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('auditLog.empty')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('auditLog.at')}</th>
                    <th scope="col">{t('auditLog.actor')}</th>
                    <th scope="col">{t('auditLog.action')}</th>
                    <th scope="col">{t('auditLog.target')}</th>
                    <th scope="col">{t('auditLog.changes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr key={e.id}>
                      <td>{dateTime(e.at)}</td>
                      <td>{e.actor.label}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.target.type} <code className="muted">{e.target.id ?? ''}</code>
                      </td>
                      <td>
                        <Changes e={e} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
    </>
  );
}
