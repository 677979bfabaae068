/**
 * The statuses a delivery goes through (SPEC §3), in the order the log and its filters list them.
 * No Node imports: the console loads the list too. A delivery still failing when its queue lifetime
 * ends is `failed` (R16); `expired` is no longer written, and stays for rows written before.
 */
import { z } from 'zod';

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

export const deliveryStatusSchema = z.enum(deliveryStatuses);
