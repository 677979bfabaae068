/**
 * The console's first page (issue 20, `GET /api/v1/dashboard`): today at a glance in one call. "Today"
 * is the org's calendar day in its time zone, the day of its caps and plan limit (SPEC R14).
 */
import { z } from 'zod';
import { fallbackReasonCodes } from '../domain/fallbacks.js';
import { complaintRateSchema } from './complaint-rate.js';
import { notificationSchema } from './notifications.js';
import { relaySchema } from './relays.js';

const count = z.number().int();

export const dashboardSchema = z
  .object({
    day: z.string().describe("The org's calendar day, YYYY-MM-DD"),
    timeZone: z.string().describe("The org's IANA time zone, which defines the day"),
    plan: z
      .object({
        name: z.string(),
        used: count.describe('Recipients accepted today, counted against the limit'),
        limit: count.describe("The plan's daily limit"),
      })
      .describe("Today's use of the plan's daily limit"),
    relays: z
      .array(relaySchema)
      .describe('Each relay with its use of its daily cap today (usageToday / dailyLimit) and its status'),
    fallbacks: z
      .object({
        total: count.describe('Deliveries sent through platform delivery today because no relay took them'),
        byReason: z
          .array(z.object({ reason: z.enum(fallbackReasonCodes), count }))
          .describe('Most frequent first'),
      })
      .describe("Today's fallbacks to platform delivery by reason (mailroute's own notices are not counted)"),
    bounces: z
      .object({
        sent: count.describe('Deliveries handed over today (relay or platform), notices excluded'),
        bounced: count.describe('Deliveries with a hard or soft bounce recorded today'),
        hard: count,
        soft: count,
        rate: z.number().nullable().describe('bounced / (sent + refused before being sent); null when none'),
      })
      .describe("Today's bounces"),
    complaints: complaintRateSchema,
    notifications: z.array(notificationSchema).describe('The five newest notifications'),
  })
  .meta({ id: 'Dashboard' });
export type DashboardView = z.infer<typeof dashboardSchema>;
