/**
 * The event types a webhook endpoint may subscribe to: a plain list shared by the API, the
 * dispatcher and the console (no Node imports, so the browser can load it). `delivery.expired` is
 * no longer sent (a delivery that runs out of retries is `delivery.failed`); it stays so endpoints
 * that subscribed to it still read.
 */
export const webhookEventTypes = [
  'delivery.sent',
  'delivery.deferred',
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
