/**
 * Retry schedules per email type (issue 21), as an org sets them: the waits between attempts and
 * the maximum age after which a delivery still failing ends `failed`. A campaign that arrives two
 * days late does harm, so mass email gives up after 24 hours; workflow and individual mail after 72.
 * Pure data and functions, no imports but types: the console loads the defaults too.
 */
import type { EmailType, MessageType } from './email-types.js';
import type { RetryPolicy } from './retry.js';

export interface RetrySchedule {
  /** Waits after the 1st, 2nd… failed attempt, in minutes; the last one repeats. */
  delaysMinutes: number[];
  /** Hours from queueing after which a delivery that still fails expires. */
  maxAgeHours: number;
}

export type RetrySchedules = Record<EmailType, RetrySchedule>;

const standardDelays = [1, 5, 15, 60, 240];

export function defaultRetrySchedules(): RetrySchedules {
  return {
    workflow: { delaysMinutes: [...standardDelays], maxAgeHours: 72 },
    individual: { delaysMinutes: [...standardDelays], maxAgeHours: 72 },
    mass: { delaysMinutes: [...standardDelays], maxAgeHours: 24 },
  };
}

/** Bounds of a schedule, shared by the API's schema and the console's form. */
export const retryScheduleBounds = {
  maxDelays: 10,
  delayMinutes: { min: 1, max: 1440 },
  maxAgeHours: { min: 1, max: 168 },
} as const;

/**
 * The retry policy of one delivery: its type's schedule, or for mailroute's own notices (`system`)
 * the workflow schedule. Absent schedules (an org that never set any) use the defaults.
 */
export function retryPolicyFor(schedules: RetrySchedules | undefined, type: MessageType): RetryPolicy {
  const all = schedules ?? defaultRetrySchedules();
  const s = all[type === 'system' ? 'workflow' : type];
  return { delaysMinutes: s.delaysMinutes, maxAgeHours: s.maxAgeHours };
}

/** Why an expired delivery failed, as its last reply says it. */
export function expiryReason(type: MessageType, maxAgeHours: number, lastReply: string): string {
  return `expired: still failing after ${maxAgeHours} h, the maximum age for ${type} mail; last reply: ${lastReply}`;
}
