/**
 * Mailgun webhooks: `{signature: {timestamp, token, signature}, "event-data": {…}}`, the signature
 * being the hex HMAC-SHA256 of timestamp + token under the webhook signing key. `failed` events with
 * severity `permanent` are bounces, `temporary` ones are notes (Mailgun retries); `complained` is a
 * complaint. The delivery is named by the message's `message-id` header.
 */
import { createHmac } from 'node:crypto';
import { classify } from '../classify.js';
import { deliveryInHeaders } from '../match.js';
import { type ProviderEvent, statusIn, type WebhookProvider } from './types.js';
import { badSignature, checkFresh, parseJson, sameSecret } from './verify.js';

interface MailgunPayload {
  signature?: { timestamp?: string; token?: string; signature?: string };
  'event-data'?: {
    event?: string;
    severity?: string;
    recipient?: string;
    reason?: string;
    'delivery-status'?: { code?: number; message?: string; description?: string; 'enhanced-code'?: string };
    message?: { headers?: Record<string, string> };
  };
}

export const mailgun: WebhookProvider = {
  configured: (ctx) => ctx.config.webhooks.mailgun.signingKey !== undefined,
  async receive(ctx, req) {
    const p = parseJson(req.body) as MailgunPayload;
    const s = p?.signature;
    if (!s?.timestamp || !s.token || !s.signature) throw badSignature('the Mailgun signature is missing');
    const expected = createHmac('sha256', ctx.config.webhooks.mailgun.signingKey!)
      .update(s.timestamp + s.token)
      .digest('hex');
    if (!sameSecret(expected, s.signature.toLowerCase()))
      throw badSignature('the Mailgun signature does not verify');
    checkFresh(s.timestamp, ctx.clock.now());
    const e = p['event-data'];
    if (!e?.recipient || (e.event !== 'failed' && e.event !== 'complained'))
      return { events: [], note: `event ${e?.event ?? '?'} ignored` };
    const headers = Object.fromEntries(
      Object.entries(e.message?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const deliveryId = deliveryInHeaders(headers);
    if (e.event === 'complained')
      return {
        events: [
          {
            deliveryId,
            recipient: e.recipient,
            status: '',
            action: '',
            diagnosticCode: '',
            class: 'complaint',
            reason: 'feedback',
            feedbackType: 'abuse',
          },
        ],
      };
    const ds = e['delivery-status'] ?? {};
    const diagnosticCode = [ds.code, ds.message || ds.description].filter(Boolean).join(' ');
    const status = ds['enhanced-code'] || statusIn(diagnosticCode);
    const action = e.severity === 'temporary' ? 'delayed' : 'failed';
    const c = classify({ status, diagnosticCode, action });
    const event: ProviderEvent = {
      deliveryId,
      recipient: e.recipient,
      status: c.status,
      action,
      diagnosticCode,
      class: c.class,
      reason: c.reason,
    };
    return { events: [event] };
  },
};
