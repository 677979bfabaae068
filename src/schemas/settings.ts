/**
 * Org settings (SPEC R12, R14, R20, R23): the org's time zone, what happens when a relay cannot send,
 * when soft bounces suppress an address, how long the archive keeps sent mail, and the retry schedule
 * of each email type (issue 21).
 */
import { z } from 'zod';
import {
  retryScheduleBounds as bounds,
  defaultRetrySchedules,
  type RetrySchedules,
} from '../domain/retry-schedules.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { coded } from './coded-check.js';

const range = (min: number, max: number) => `must be between ${min} and ${max}`;

/** One email type's retry schedule (`domain/retry-schedules.ts`). */
const retryScheduleSchema = z
  .object({
    delaysMinutes: z
      .array(
        z
          .number()
          .int('must be a whole number')
          .min(bounds.delayMinutes.min, range(bounds.delayMinutes.min, bounds.delayMinutes.max))
          .max(bounds.delayMinutes.max, range(bounds.delayMinutes.min, bounds.delayMinutes.max)),
      )
      .min(1, 'must list at least one wait')
      .max(bounds.maxDelays, `must list at most ${bounds.maxDelays} waits`)
      .describe('Minutes to wait after the 1st, 2nd… failed attempt; the last wait repeats'),
    maxAgeHours: z
      .number()
      .int('must be a whole number')
      .min(bounds.maxAgeHours.min, range(bounds.maxAgeHours.min, bounds.maxAgeHours.max))
      .max(bounds.maxAgeHours.max, range(bounds.maxAgeHours.min, bounds.maxAgeHours.max))
      .describe('Hours after queueing at which a delivery still failing ends failed'),
  })
  .strict()
  .meta({ id: 'RetrySchedule' });

const retrySchedulesSchema = z
  .object({ workflow: retryScheduleSchema, individual: retryScheduleSchema, mass: retryScheduleSchema })
  .strict()
  .describe('Retries and maximum age per email type (defaults: workflow and individual 72 h, mass 24 h)')
  .meta({ id: 'RetrySchedules' }) satisfies z.ZodType<RetrySchedules>;

export const settingsSchema = z
  .object({
    timeZone: z
      .string()
      .refine(isValidTimeZone, coded('time_zone', 'must be an IANA time zone such as Asia/Tokyo or UTC'))
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
    retrySchedules: retrySchedulesSchema,
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
    retrySchedules: defaultRetrySchedules(),
  };
}
