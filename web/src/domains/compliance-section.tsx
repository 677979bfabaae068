/**
 * The bulk senders' rules for one domain (issue 17): on demand, each finding with its status, the
 * route it concerns, the provider rule it comes from and the record to publish.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../api/client';
import type { ComplianceCheckView } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { ErrorBanner } from '../components/error-banner';

export function ComplianceSection({ domainId }: { domainId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'ja' ? 'ja' : 'en';
  const [check, setCheck] = useState<ComplianceCheckView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setCheck(await get<ComplianceCheckView>(`/api/v1/domains/${encodeURIComponent(domainId)}/compliance`));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="compliance">
      <button type="button" className="secondary small" disabled={busy} onClick={() => void run()}>
        {t('compliance.run')}
      </button>
      <ErrorBanner error={error} />
      {check && (
        <ul className="findings" aria-label={t('compliance.title')}>
          {check.findings.map((f) => (
            <li key={`${f.rule}-${f.route}-${f.status}-${f.message.en}`} className={`finding ${f.status}`}>
              <span
                className={`badge result-${f.status === 'pass' ? 'pass' : f.status === 'warn' ? 'neutral' : 'fail'}`}
              >
                {t(`compliance.status.${f.status}`)}
              </span>{' '}
              <strong>{t(`compliance.rules.${f.rule}`)}</strong>
              {f.route && ` (${f.route === 'platform' ? t('compliance.platform') : f.route})`}
              <p>{f.message[lang]}</p>
              <p className="muted">{f.providerRule[lang]}</p>
              {f.record && (
                <p>
                  <code className="wrap">{`${f.record.name} ${f.record.type} ${f.record.value}`}</code>
                  <CopyButton text={f.record.value} label={`${t('app.copy')}: ${f.record.name}`} />
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
