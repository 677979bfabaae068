/**
 * The statuses a delivery goes through (R16, R18, R27), in the order the log and its filters list them.
 * A delivery still failing when its queue lifetime ends is `failed`; `expired` is no longer written,
 * and stays for rows written before. No imports: the console loads the list too.
 */
export const deliveryStatuses = [
  'queued',
  'sending',
  'deferred',
  'sent',
  'bounced',
  'complained',
  'failed',
  'expired',
  'suppressed',
] as const;

export type DeliveryStatus = (typeof deliveryStatuses)[number];
