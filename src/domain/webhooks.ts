/**
 * Event webhooks as values: the signature and the retry schedule (the event types are in
 * `webhook-events.ts`, which the console loads too). No IO.
 *
 * Signature scheme (for receivers): each POST carries
 *   `X-Mailroute-Timestamp: <unix seconds>` and
 *   `X-Mailroute-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`,
 * the secret being the whole `whsec_…` string shown once when the endpoint was created (UTF-8).
 * Receivers recompute the HMAC over the raw body bytes, compare in constant time, and refuse
 * timestamps more than a few minutes off their clock (replays). `X-Mailroute-Event` names the
 * type and `X-Mailroute-Webhook-Id` the delivery (the same on every retry: use it to de-duplicate).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The encryption context of an endpoint's signing secret. */
export const secretContext = (endpointId: string) => `webhook:${endpointId}:secret`;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const MINUTE = 60_000;
/** Waits after the 1st, 2nd, … failed attempt; the last repeats. */
export const webhookRetryMinutes = [1, 5, 15, 60, 120, 240, 480, 720];
/** A delivery still failing this long after its event gives up. */
export const webhookGiveUpMs = 24 * 60 * MINUTE;

/** When to try again after `attempts` failed attempts, or `undefined` to give up. */
export function nextWebhookAttempt(p: {
  attempts: number;
  createdAt: number;
  now: number;
}): number | undefined {
  const minutes = webhookRetryMinutes[Math.min(p.attempts, webhookRetryMinutes.length) - 1]!;
  const at = p.now + minutes * MINUTE;
  return at - p.createdAt > webhookGiveUpMs ? undefined : at;
}
