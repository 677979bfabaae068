/** Webhooks: endpoints that receive delivery events (the secret is shown once), and each one's delivery log. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhookEventTypes } from '../../../src/domain/webhook-events.js';
import { ApiError, del, patch, post } from '../api/client';
import type { WebhookDelivery, WebhookEndpoint } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { ErrorBanner } from '../components/error-banner';
import { Field } from '../components/field';
import { dateTime } from '../components/format';
import { Empty, LoadState } from '../components/load-state';
import { WebhookHealthBadge } from '../components/webhook-health';
import { useSession } from '../hooks/session';
import { useResource } from '../hooks/use-resource';
import { webhookEventText } from '../i18n/words';

/** An event in words, with the type a payload carries beside it for those who write the receiver. */
function EventName({ type }: { type: string }) {
  return (
    <>
      {webhookEventText(type)}{' '}
      <code className="muted" data-technical="">
        {type}
      </code>
    </>
  );
}

const asError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t } = useTranslation();
  const log = useResource<{ items: WebhookDelivery[] }>(
    `/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}/deliveries?limit=50`,
  );
  return (
    <LoadState resource={log}>
      {({ items }) =>
        items.length === 0 ? (
          <Empty>{t('webhooks.noDeliveries')}</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>{t('webhooks.deliveriesOf', { url: endpoint.url })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.event')}</th>
                  <th scope="col">{t('webhooks.status')}</th>
                  <th scope="col">{t('webhooks.attempts')}</th>
                  <th scope="col">{t('webhooks.lastResult')}</th>
                  <th scope="col">{t('webhooks.lastAttempt')}</th>
                  <th scope="col">{t('webhooks.nextAttempt')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <EventName type={d.eventType} />
                    </td>
                    <td>{t(`webhooks.statuses.${d.status}`)}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '')}</td>
                    <td>{d.lastAttemptAt ? dateTime(d.lastAttemptAt) : ''}</td>
                    <td>{d.nextAttemptAt ? dateTime(d.nextAttemptAt) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </LoadState>
  );
}

export function WebhooksPage() {
  const { t } = useTranslation();
  const { canEdit } = useSession();
  const endpoints = useResource<{ items: WebhookEndpoint[] }>('/api/v1/webhooks/endpoints');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['delivery.bounced', 'delivery.failed', 'relay.suspended']);
  const [secret, setSecret] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const created = await post<WebhookEndpoint & { secret: string }>('/api/v1/webhooks/endpoints', {
        url: url.trim(),
        events,
      });
      setSecret(created.secret);
      setUrl('');
      endpoints.reload();
    } catch (err) {
      setError(asError(err));
    }
  };
  const change = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(asError(err));
    }
    endpoints.reload();
  };
  const toggle = (type: string) =>
    setEvents(events.includes(type) ? events.filter((x) => x !== type) : [...events, type]);
  return (
    <>
      <h1>{t('webhooks.title')}</h1>
      <p className="intro">{t('webhooks.intro')}</p>
      <form className="card" onSubmit={create} noValidate>
        <Field label={t('webhooks.url')} hint={t('webhooks.urlHint')} error={error?.fields.url}>
          <input
            type="url"
            value={url}
            disabled={!canEdit}
            placeholder="https://example.com/mailroute-events"
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          {webhookEventTypes.map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={events.includes(type)}
                disabled={!canEdit}
                onChange={() => toggle(type)}
              />{' '}
              <EventName type={type} />
            </label>
          ))}
          {error?.fields.events && <p className="error">{error.fields.events}</p>}
        </fieldset>
        <button type="submit" disabled={!canEdit || url.trim() === '' || events.length === 0}>
          {t('webhooks.add')}
        </button>
      </form>
      <div aria-live="polite">
        {secret && (
          <div className="banner success new-key">
            <p>{t('webhooks.secretShownOnce')}</p>
            <code className="wrap">{secret}</code> <CopyButton text={secret} />
          </div>
        )}
      </div>
      <ErrorBanner error={error && Object.keys(error.fields).length === 0 ? error : undefined} />
      <LoadState resource={endpoints}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>{t('webhooks.empty')}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('webhooks.url')}</th>
                      <th scope="col">{t('webhooks.events')}</th>
                      <th scope="col">{t('webhooks.state')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('webhooks.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((ep) => (
                      <tr key={ep.id}>
                        <td>
                          <code className="wrap">{ep.url}</code>
                        </td>
                        <td>{ep.events.map(webhookEventText).join(t('words.listSeparator'))}</td>
                        <td>
                          <WebhookHealthBadge endpoint={ep} />
                        </td>
                        <td className="actions">
                          <button
                            type="button"
                            className="secondary small"
                            aria-expanded={open === ep.id}
                            onClick={() => setOpen(open === ep.id ? undefined : ep.id)}
                          >
                            {t('webhooks.deliveries')}
                          </button>{' '}
                          <button
                            type="button"
                            className="secondary small"
                            disabled={!canEdit}
                            onClick={() =>
                              void change(() =>
                                patch(`/api/v1/webhooks/endpoints/${encodeURIComponent(ep.id)}`, {
                                  enabled: !ep.enabled,
                                }),
                              )
                            }
                          >
                            {ep.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                          </button>{' '}
                          <ConfirmButton
                            label={t('webhooks.remove')}
                            question={t('webhooks.confirmRemove', { url: ep.url })}
                            disabled={!canEdit}
                            onConfirm={() =>
                              change(() => del(`/api/v1/webhooks/endpoints/${encodeURIComponent(ep.id)}`))
                            }
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {open && items.some((ep) => ep.id === open) && (
                <DeliveryLog endpoint={items.find((ep) => ep.id === open)!} />
              )}
            </>
          )
        }
      </LoadState>
    </>
  );
}
