/** Org settings (SPEC R12, R14): the org's time zone and what happens when a relay cannot send. */
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
  })
  .meta({ id: 'Settings' });

export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();

export function defaultSettings(timeZone: string): Settings {
  return { timeZone, relayFallback: 'platform' };
}
