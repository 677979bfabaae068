import type { BounceClass } from './bounce-classes.js';
import type { BounceReason } from './bounce-reasons.js';

/**
 * The event types a webhook endpoint may subscribe to: a plain list shared by the API, the
 * dispatcher and the console (no Node imports, so the browser can load it). `delivery.expired` is
 * no longer sent (a delivery that runs out of retries is `delivery.failed`); it stays so endpoints
 * that subscribed to it still read.
 */
export const webhookEventTypes = [
  'delivery.sent',
  'delivery.deferred',
  'delivery.delayed',
  'delivery.bounced',
  'delivery.complained',
  'delivery.failed',
  'delivery.expired',
  'relay.suspended',
  'relay.oauth_reauth',
  'recipient.unsubscribed',
  'org.complaint_rate_warning',
  'org.mass_paused',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * `data` of `delivery.bounced` and `delivery.complained` written when a bounce report is recorded
 * (`bounces/record.ts`): the bounce, with its reason (`domain/bounce-reasons.ts`), and the
 * suppression it caused, if any (the suppression keeps that same reason).
 */
export interface BounceEventData {
  deliveryId: string;
  messageId: string;
  recipient: string;
  class: BounceClass;
  /** Why it bounced (`domain/bounce-reasons.ts`). */
  reason: BounceReason;
  status: string;
  /** The suppression reason when this bounce added the address to the suppression list. */
  suppressed: string | null;
}
