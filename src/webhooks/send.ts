/**
 * One webhook request: POST the JSON body with its timestamp and signature headers
 * (`domain/webhooks.ts` documents the scheme) to the address `target.ts` checked, with the URL's
 * host name for the Host header and TLS; no redirects followed, bounded by a timeout.
 * The outcome is a value: a 2xx is delivered, anything else (status, timeout, refused) failed.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { signWebhook } from '../domain/webhooks.js';

export interface WebhookRequest {
  url: string;
  /** The IP address to connect to, already resolved and allowed (`target.ts`). */
  address: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
  /** Unix seconds. */
  timestamp: number;
  timeoutMs: number;
}

export type WebhookResult = { ok: boolean; statusCode: number | null; error: string | null };

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no response within ${timeoutMs / 1000} s`;
  const text = e.message ?? String(err);
  return (e.code && !text.includes(e.code) ? `${text} (${e.code})` : text).slice(0, 500);
}

export function sendWebhook(r: WebhookRequest): Promise<WebhookResult> {
  return new Promise((resolve) => {
    const url = new URL(r.url);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request({
      host: r.address,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      servername: isIP(hostname) ? undefined : hostname,
      signal: AbortSignal.timeout(r.timeoutMs),
      headers: {
        host: url.host,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(r.body),
        'user-agent': 'mailroute-webhooks/1',
        'x-mailroute-event': r.eventType,
        'x-mailroute-webhook-id': r.deliveryId,
        'x-mailroute-timestamp': String(r.timestamp),
        'x-mailroute-signature': signWebhook(r.secret, r.timestamp, r.body),
      },
    });
    req.on('response', (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      const ok = code >= 200 && code < 300;
      resolve({ ok, statusCode: code, error: ok ? null : `HTTP ${code}` });
    });
    req.on('error', (err) => resolve({ ok: false, statusCode: null, error: describe(err, r.timeoutMs) }));
    req.end(r.body);
  });
}
