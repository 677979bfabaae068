/**
 * メール認証 of one relay (R21): SPF on each hop, DKIM alignment and record, DMARC, and what to
 * fix. Shows "not available" until the server has the check.
 */
import { useTranslation } from 'react-i18next';
import type { AuthenticationCheck as Check } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { DnsRecordView } from '../components/dns-record';
import { LoadState } from '../components/load-state';
import { useResource } from '../hooks/use-resource';

function Result({ value }: { value: string }) {
  return <span className={`badge result-${value}`}>{value}</span>;
}

function Body({ check }: { check: Check }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'ja' ? 'ja' : 'en';
  const hop = (name: string) => t(`authCheck.hops.${name}`, { defaultValue: name });
  return (
    <>
      <p>
        {t('authCheck.returnPath')}: <code>{check.returnPath}</code>
      </p>
      <table>
        <tbody>
          {check.hops.map((h) => (
            <tr key={`${h.from}-${h.to}`}>
              <th scope="row">
                {t('authCheck.spf')} {t('authCheck.hop', { from: hop(h.from), to: hop(h.to) })}
              </th>
              <td>
                <Result value={h.spf.result} /> <code>{h.spf.domain}</code>{' '}
                {h.spf.ip && <code>{h.spf.ip}</code>}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('authCheck.dkim')}</th>
            <td>
              {t('authCheck.dkimSigning')}: {check.dkim.signing ? t('app.yes') : t('app.no')} ·{' '}
              {t('authCheck.dkimAligned')}: {check.dkim.aligned ? t('app.yes') : t('app.no')} ·{' '}
              {t('authCheck.dkimRecord', { name: check.dkim.record.name ?? '—' })}:{' '}
              {check.dkim.record.found ? t('authCheck.found') : t('authCheck.notFound')}
              {check.dkim.record.found &&
                ` (${check.dkim.record.valid ? t('authCheck.valid') : t('authCheck.invalid')})`}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('authCheck.dmarc')}</th>
            <td>
              <Result value={check.dmarc.result} /> {t('authCheck.policy')}: {check.dmarc.policy ?? '—'}{' '}
              {check.dmarc.record && <code className="wrap">{check.dmarc.record}</code>}
            </td>
          </tr>
        </tbody>
      </table>
      <h3>{t('authCheck.findings')}</h3>
      {check.findings.length === 0 ? (
        <p>{t('authCheck.noFindings')}</p>
      ) : (
        <ul className="findings">
          {check.findings.map((f) => (
            <li key={f.code}>
              <span className={`badge severity-${f.severity}`}>{t(`authCheck.severity.${f.severity}`)}</span>{' '}
              {f.message[lang]}
              {f.record && <DnsRecordView record={f.record} title={t('authCheck.publish')} />}
              {f.ranges && f.ranges.length > 0 && (
                <details>
                  <summary>{t('warnings.ranges')}</summary>
                  <pre className="ranges">{f.ranges.join('\n')}</pre>
                  <CopyButton text={f.ranges.join('\n')} />
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function AuthenticationCheck({ relayId }: { relayId: string }) {
  const { t } = useTranslation();
  const check = useResource<Check>(`/api/v1/relays/${encodeURIComponent(relayId)}/authentication`);
  return (
    <section className="card auth-check" aria-labelledby="auth-check-title">
      <div className="page-head">
        <h2 id="auth-check-title">{t('authCheck.title')}</h2>
        <button type="button" className="secondary small" onClick={check.reload} disabled={check.loading}>
          {t('authCheck.run')}
        </button>
      </div>
      <p className="intro">{t('authCheck.intro')}</p>
      <div aria-live="polite">
        <LoadState resource={check}>{(c) => <Body check={c} />}</LoadState>
      </div>
    </section>
  );
}
