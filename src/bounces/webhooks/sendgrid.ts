/**
 * SendGrid's signed event webhook: a JSON array of events, signed with ECDSA (P-256, SHA-256) over
 * the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the body; the signature is base64
 * DER in `X-Twilio-Email-Event-Webhook-Signature`. `bounce` and `blocked` are bounces, `deferred` a
 * note, `spamreport` a complaint. The delivery is named by the event's `smtp-id` (the Message-ID).
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { classify } from '../classify.js';
import { deliveryInHeaders } from '../match.js';
import { header, type ProviderEvent, statusIn, type WebhookProvider } from './types.js';
import { badSignature, checkFresh, parseJson } from './verify.js';

interface SendGridEvent {
  email?: string;
  event?: string;
  type?: string;
  status?: string;
  reason?: string;
  response?: string;
  'smtp-id'?: string;
}

function publicKey(value: string): KeyObject {
  return value.includes('BEGIN PUBLIC KEY')
    ? createPublicKey(value)
    : createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
}

function toEvent(e: SendGridEvent): ProviderEvent | undefined {
  if (!e.email) return undefined;
  const deliveryId = deliveryInHeaders({ 'message-id': e['smtp-id'] ?? '' });
  if (e.event === 'spamreport')
    return {
      deliveryId,
      recipient: e.email,
      status: '',
      action: '',
      diagnosticCode: '',
      class: 'complaint',
      reason: 'feedback',
      feedbackType: 'abuse',
    };
  if (e.event !== 'bounce' && e.event !== 'blocked' && e.event !== 'deferred') return undefined;
  const diagnosticCode = e.reason ?? e.response ?? '';
  const action = e.event === 'deferred' ? 'delayed' : 'failed';
  const c = classify({ status: e.status || statusIn(diagnosticCode), diagnosticCode, action });
  return {
    deliveryId,
    recipient: e.email,
    status: c.status,
    action,
    diagnosticCode,
    class: c.class,
    reason: c.reason,
  };
}

export const sendgrid: WebhookProvider = {
  configured: (ctx) => ctx.config.webhooks.sendgrid.publicKey !== undefined,
  async receive(ctx, req) {
    const signature = header(req, 'x-twilio-email-event-webhook-signature');
    const timestamp = header(req, 'x-twilio-email-event-webhook-timestamp');
    if (!signature || !timestamp) throw badSignature('the SendGrid signature headers are missing');
    let ok = false;
    try {
      const key = publicKey(ctx.config.webhooks.sendgrid.publicKey!);
      ok = verify('sha256', Buffer.from(timestamp + req.body), key, Buffer.from(signature, 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) throw badSignature('the SendGrid signature does not verify');
    checkFresh(timestamp, ctx.clock.now());
    const events = parseJson(req.body);
    const list = Array.isArray(events) ? (events as SendGridEvent[]) : [];
    return { events: list.map(toEvent).filter((e): e is ProviderEvent => e !== undefined) };
  },
};
