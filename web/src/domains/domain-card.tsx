/**
 * One sending domain: verified or not, a live ✓ or ✗ per record, its records with copy buttons,
 * verify now, rotate the key.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, del, post } from '../api/client';
import type { ComplianceCheckView, DomainView, VerifyResult } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { DnsRecordView } from '../components/dns-record';
import { ErrorBanner } from '../components/error-banner';
import { dateTime } from '../components/format';
import { useResource } from '../hooks/use-resource';
import { ComplianceSection } from './compliance-section';
import { RecordChecks } from './record-checks';

export function DomainCard({
  domain,
  canEdit,
  changed,
}: {
  domain: DomainView;
  canEdit: boolean;
  changed: () => void;
}) {
  const { t } = useTranslation();
  const [checks, setChecks] = useState<VerifyResult['checks']>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const d = domain;
  const url = `/api/v1/domains/${encodeURIComponent(d.id)}`;
  // The records need DNS only: no connection to the relays each time the page opens.
  const records = useResource<ComplianceCheckView>(`${url}/compliance?relayTls=settings`);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card domain" aria-labelledby={`domain-${d.id}`}>
      <div className="page-head">
        <h2 id={`domain-${d.id}`}>{d.name}</h2>
        <span className={`badge ${d.verified ? 'status-active' : 'warn'}`}>
          {d.verified ? t('domains.verified') : t('domains.unverified')}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="secondary small"
          disabled={!canEdit || busy}
          onClick={() =>
            run(async () => {
              const r = await post<VerifyResult>(`${url}/verify`);
              setChecks(r.checks);
              records.reload();
              changed();
            })
          }
        >
          {t('domains.verify')}
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!canEdit || busy}
          onClick={() =>
            run(async () => post(`${url}/dkim`, { algorithm: d.dkim?.algorithm ?? 'rsa-2048' }).then(changed))
          }
        >
          {t('domains.rotate')}
        </button>
        <ConfirmButton
          label={t('app.delete')}
          question={t('domains.confirmDelete', { name: d.name })}
          disabled={!canEdit || busy}
          onConfirm={() => run(() => del(url).then(changed))}
        />
      </div>
      <ErrorBanner error={error} />
      <div aria-live="polite">
        {checks && (
          <ul className="checks-result">
            {checks.map((c) => (
              <li key={c.record} className={c.found ? 'ok' : 'failed'}>
                {c.found ? '✓' : '✗'} <code>{c.name}</code> —{' '}
                {c.found ? t('domains.found') : t('domains.missing')}
                {c.detail ? `: ${c.detail}` : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
      {d.lastCheckedAt && (
        <p className="muted">
          {t('domains.checks')}: {dateTime(d.lastCheckedAt)}
        </p>
      )}
      <RecordChecks resource={records} />
      <div className="records">
        <DnsRecordView record={d.verification} title={t('domains.verification')} />
        {d.dkim ? (
          <DnsRecordView
            record={d.dkim.dnsRecord}
            title={t('domains.dkim', { selector: d.dkim.selector, algorithm: d.dkim.algorithm })}
          />
        ) : (
          <p>{t('domains.noDkim')}</p>
        )}
        {d.dkimPending && (
          <DnsRecordView
            record={d.dkimPending.dnsRecord}
            title={t('domains.dkimPending', { selector: d.dkimPending.selector })}
          />
        )}
      </div>
      <h3>{t('compliance.title')}</h3>
      <ComplianceSection domainId={d.id} />
    </section>
  );
}
