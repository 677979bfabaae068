/**
 * A ✓ or ✗ for each DNS record of a domain (verification, DKIM, SPF, DMARC), from the live lookups
 * of the domain's compliance check: a verified domain may still lack its DKIM record.
 */
import { useTranslation } from 'react-i18next';
import type { ComplianceCheckView } from '../api/types';
import { ErrorState } from '../components/load-state';
import type { Resource } from '../hooks/use-resource';

type RecordCheck = ComplianceCheckView['records'][number];

function Status({ check }: { check: RecordCheck }) {
  const { t } = useTranslation();
  if (check.status === 'ok')
    return <>{t(check.record === 'spf' ? 'recordChecks.status.okSpf' : 'recordChecks.status.ok')}</>;
  if (check.status === 'fail') {
    const routes = (check.failing ?? []).map(
      (f) => `${f.route === 'platform' ? t('compliance.platform') : f.route} (${f.result}, ${f.domain})`,
    );
    return <>{t('recordChecks.status.fail', { routes: routes.join(', ') })}</>;
  }
  return <>{t(`recordChecks.status.${check.status}`)}</>;
}

export function RecordChecks({ resource }: { resource: Resource<ComplianceCheckView> }) {
  const { t } = useTranslation();
  const busy = resource.loading;
  return (
    <div className="record-checks" aria-live="polite" aria-busy={busy}>
      <div className="record-checks-head">
        <h3>{t('recordChecks.title')}</h3>
        <button type="button" className="secondary small" disabled={busy} onClick={resource.reload}>
          {t('recordChecks.recheck')}
        </button>
      </div>
      {resource.error && <ErrorState error={resource.error} />}
      {busy && !resource.data && <p className="muted">{t('recordChecks.checking')}</p>}
      {resource.data && (
        <ul className="record-check-list">
          {resource.data.records.map((c) => (
            <li key={c.record} data-record={c.record} className={c.status === 'ok' ? 'ok' : 'failed'}>
              <span className="record-mark" aria-hidden="true">
                {c.status === 'ok' ? '✓' : '✗'}
              </span>
              <strong>{t(`recordChecks.records.${c.record}`)}</strong>{' '}
              <span className="record-status">
                <Status check={c} />
              </span>
              {c.name && <code className="wrap">{c.name}</code>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
