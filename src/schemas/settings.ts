/**
 * Org settings (SPEC R12, R14, R20, R23): the org's time zone, what happens when a relay cannot send,
 * when soft bounces suppress an address, and how long the archive keeps sent mail.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time-zone.js';

export const settingsSchema = z
  .object({
    timeZone: z
      .string()
      .refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Tokyo or UTC')
      .describe("The org's calendar day for caps, the plan limit and suspensions"),
    relayFallback: z
      .enum(['platform', 'retry'], { error: 'must be "platform" or "retry"' })
      .describe(
        'platform: mail a relay cannot take goes out through platform delivery; retry: it stays on the relays',
      ),
    softBounceThreshold: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be between 1 and 100')
      .max(100, 'must be between 1 and 100')
      .describe('Soft bounces of one address within the window that suppress it'),
    softBounceWindowDays: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be between 1 and 365')
      .max(365, 'must be between 1 and 365')
      .describe('The window, in days, in which soft bounces are counted'),
    archiveRetentionDays: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be between 1 and 3650')
      .max(3650, 'must be between 1 and 3650')
      .describe('Days the archive keeps each message as sent (SPEC R23); older copies are deleted'),
    workflowUnsubscribe: z
      .boolean({ error: 'must be true or false' })
      .describe(
        'Workflow mail carries the one-click unsubscribe headers too (mass email always carries them)',
      ),
  })
  .meta({ id: 'Settings' });

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();

export function defaultSettings(timeZone: string): Settings {
  return {
    timeZone,
    relayFallback: 'platform',
    softBounceThreshold: 3,
    softBounceWindowDays: 7,
    archiveRetentionDays: 365,
    workflowUnsubscribe: false,
  };
}
