/** APIキー: create (the key is shown once, with a copy button) and revoke. */
import { type FormEvent, Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type EmailType, emailTypes } from '../../../src/domain/email-types.js';
import { ApiError, del, post } from '../api/client';
import type { ApiKey, SubmissionInfo } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { ErrorBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { ListTable } from '../components/list-table';
import { LoadState } from '../components/load-state';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';

export function ApiKeysPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const keys = useResource<{ items: ApiKey[] }>('/api/v1/api-keys');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'send' | 'admin'>('send');
  const [defaultType, setDefaultType] = useState<EmailType>('individual');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const k = await post<ApiKey & { key: string }>('/api/v1/api-keys', {
        name: name.trim(),
        role,
        defaultType,
      });
      setCreated(k.key);
      setName('');
      keys.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
  };
  const revoke = async (k: ApiKey) => {
    setError(undefined);
    try {
      await del(`/api/v1/api-keys/${encodeURIComponent(k.id)}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
    }
    keys.reload();
  };
  return (
    <>
      <h1>{t('apiKeys.title')}</h1>
      <p className="intro">{t('apiKeys.intro')}</p>
      <form className="inline-form card" onSubmit={create} noValidate>
        <Field label={t('apiKeys.name')} error={error?.fields.name}>
          <input value={name} disabled={!canEdit} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('apiKeys.role')} error={error?.fields.role}>
          <select value={role} disabled={!canEdit} onChange={(e) => setRole(e.target.value as typeof role)}>
            <option value="send">{t('apiKeys.roles.send')}</option>
            <option value="admin">{t('apiKeys.roles.admin')}</option>
          </select>
        </Field>
        <Field label={t('apiKeys.defaultType')} error={error?.fields.defaultType}>
          <select
            value={defaultType}
            disabled={!canEdit}
            onChange={(e) => setDefaultType(e.target.value as EmailType)}
          >
            {emailTypes.map((type) => (
              <option key={type} value={type}>
                {t(`emailTypes.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={!canEdit || name.trim() === ''}>
          {t('apiKeys.create')}
        </button>
      </form>
      <div aria-live="polite">
        {created && (
          <div className="banner success new-key">
            <p>{t('apiKeys.shownOnce')}</p>
            <code className="wrap">{created}</code> <CopyButton text={created} />
          </div>
        )}
      </div>
      <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      <LoadState resource={keys}>
        {({ items }) => (
          <ListTable
            items={items}
            empty={t('apiKeys.empty')}
            columns={[
              t('apiKeys.name'),
              t('apiKeys.role'),
              t('apiKeys.defaultType'),
              t('apiKeys.prefix'),
              t('apiKeys.created'),
              t('apiKeys.lastUsed'),
              { hidden: t('apiKeys.revoke') },
            ]}
            rowKey={(k) => k.id}
            row={(k) => (
              <>
                <td>{k.name}</td>
                <td>{t(`apiKeys.roles.${k.role}`)}</td>
                <td>{t(`emailTypes.${k.defaultType}`)}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{dateTime(k.createdAt)}</td>
                <td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : t('apiKeys.never')}</td>
                <td>
                  <ConfirmButton
                    label={t('apiKeys.revoke')}
                    question={t('apiKeys.confirmRevoke', { name: k.name })}
                    disabled={!canEdit}
                    onConfirm={() => revoke(k)}
                  />
                </td>
              </>
            )}
          />
        )}
      </LoadState>
      <SmtpHowTo />
    </>
  );
}

/**
 * How to point an application that speaks SMTP at mailroute: the host and ports this server really
 * listens on (`GET /api/v1/submission`), the key as the password.
 */
function SmtpHowTo() {
  const { t } = useTranslation();
  const info = useResource<SubmissionInfo>('/api/v1/submission');
  return (
    <section className="card" aria-labelledby="smtp-howto">
      <h2 id="smtp-howto">{t('apiKeys.smtp.title')}</h2>
      <p>{t('apiKeys.smtp.intro')}</p>
      <LoadState resource={info}>{(i) => <SmtpFacts info={i} />}</LoadState>
    </section>
  );
}

function SmtpFacts({ info }: { info: SubmissionInfo }) {
  const { t } = useTranslation();
  if (!info.enabled) return <p className="hint">{t('apiKeys.smtp.off')}</p>;
  const ports = [
    info.port !== null ? t('apiKeys.smtp.portStarttls', { port: info.port }) : undefined,
    info.tlsPort !== null ? t('apiKeys.smtp.portImplicit', { port: info.tlsPort }) : undefined,
  ].filter((p): p is string => p !== undefined);
  const facts: [string, string][] = [
    [
      t('apiKeys.smtp.host'),
      info.loopbackOnly
        ? t('apiKeys.smtp.hostLoopback', { host: info.host })
        : t('apiKeys.smtp.hostValue', { host: window.location.hostname }),
    ],
    [t('apiKeys.smtp.port'), ports.join(t('apiKeys.smtp.portSeparator'))],
    [t('apiKeys.smtp.tls'), t('apiKeys.smtp.tlsValue')],
    [t('apiKeys.smtp.user'), t('apiKeys.smtp.userValue')],
    [t('apiKeys.smtp.password'), t('apiKeys.smtp.passwordValue')],
    [t('apiKeys.smtp.type'), t('apiKeys.smtp.typeValue')],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
