/**
 * One webhook request: POST the JSON body with its timestamp and signature headers
 * (`domain/webhooks.ts` documents the scheme), no redirects followed, bounded by a timeout.
 * The outcome is a value: a 2xx is delivered, anything else (status, timeout, refused) failed.
 */
import { signWebhook } from '../domain/webhooks.js';

export interface WebhookRequest {
  url: string;
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
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no response within ${timeoutMs / 1000} s`;
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message ?? 'request failed'}: ${cause}` : (e.message ?? String(err))).slice(0, 500);
}

export async function sendWebhook(r: WebhookRequest): Promise<WebhookResult> {
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(r.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'mailroute-webhooks/1',
        'x-mailroute-event': r.eventType,
        'x-mailroute-webhook-id': r.deliveryId,
        'x-mailroute-timestamp': String(r.timestamp),
        'x-mailroute-signature': signWebhook(r.secret, r.timestamp, r.body),
      },
      body: r.body,
    });
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: describe(err, r.timeoutMs) };
  }
}
