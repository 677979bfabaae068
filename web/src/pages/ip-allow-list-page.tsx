/**
 * IPアドレスの許可リスト: each data center's normalized egress ranges, exports and a checker;
 * for the org's own data center also the DKIM record of platform delivery.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../api/client';
import type { ContainsResult, DataCenter } from '../api/types';
import { CopyButton } from '../components/copy-button';
import { Field } from '../components/field';
import { Empty, LoadState } from '../components/load-state';
import { PlatformDkimRecord } from '../datacenters/platform-dkim';
import { useResource } from '../hooks/use-resource';

type Format = keyof DataCenter['exports'];

function Checker({ dc }: { dc: DataCenter }) {
  const { t } = useTranslation();
  const [ip, setIp] = useState('');
  const [result, setResult] = useState<ContainsResult>();
  const [error, setError] = useState<ApiError>();
  const check = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      setResult(
        await get<ContainsResult>(
          `/api/v1/datacenters/${encodeURIComponent(dc.id)}/contains?ip=${encodeURIComponent(ip.trim())}`,
        ),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  return (
    <form className="inline-form" onSubmit={check} noValidate>
      <Field label={t('ipAllowList.ip')} error={error ? (error.fields.ip ?? error.message) : undefined}>
        <input value={ip} placeholder="203.0.113.7" onChange={(e) => setIp(e.target.value)} />
      </Field>
      <button type="submit" className="secondary" disabled={ip.trim() === ''}>
        {t('ipAllowList.check')}
      </button>
      <p aria-live="polite" className={result ? (result.contains ? 'ok' : 'failed') : ''}>
        {result &&
          (result.contains
            ? t('ipAllowList.inRange', { ip: result.ip, range: result.range })
            : t('ipAllowList.notInRange', { ip: result.ip }))}
      </p>
    </form>
  );
}

function DataCenterCard({ dc }: { dc: DataCenter }) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<Format>('plain');
  const all = [...dc.ranges.ipv4, ...dc.ranges.ipv6];
  const href = `/api/v1/datacenters/${encodeURIComponent(dc.id)}/export?format=${format}`;
  return (
    <section className={`card datacenter${dc.current ? ' current' : ''}`} aria-labelledby={`dc-${dc.id}`}>
      <div className="page-head">
        <h2 id={`dc-${dc.id}`}>{dc.name}</h2>
        {dc.current && <span className="badge status-active">{t('ipAllowList.current')}</span>}
      </div>
      <p className="muted">
        {t('ipAllowList.bounceDomain', { domain: dc.bounceDomain })} ·{' '}
        {t('ipAllowList.catchall', { address: `catchall@${dc.bounceDomain}` })}
      </p>
      <div className="ranges-grid">
        <pre className="ranges">{all.join('\n')}</pre>
        <div className="export">
          <Field label={t('ipAllowList.format')}>
            <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
              {(['plain', 'postfix', 'spf'] as const).map((f) => (
                <option key={f} value={f}>
                  {t(`ipAllowList.formats.${f}`)}
                </option>
              ))}
            </select>
          </Field>
          <pre className="ranges small">{dc.exports[format]}</pre>
          <div className="row">
            <CopyButton text={dc.exports[format]} />
            <a className="button secondary small" href={href} download>
              {t('ipAllowList.export')}
            </a>
          </div>
        </div>
      </div>
      <h3>{t('ipAllowList.checker')}</h3>
      <Checker dc={dc} />
      {dc.current && <PlatformDkimRecord dataCenterId={dc.id} />}
    </section>
  );
}

export function IpAllowListPage() {
  const { t } = useTranslation();
  const dcs = useResource<{ items: DataCenter[] }>('/api/v1/datacenters');
  return (
    <>
      <h1>{t('ipAllowList.title')}</h1>
      <p className="intro">{t('ipAllowList.intro')}</p>
      <LoadState resource={dcs}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('ipAllowList.empty')}</Empty>
          ) : (
            items.map((dc) => <DataCenterCard key={dc.id} dc={dc} />)
          )
        }
      </LoadState>
    </>
  );
}
