/** A relay's health (issue 19): its attempts over the last 24 hours and 7 days, for API and console. */
import { z } from 'zod';

export const healthWindowSchema = z.object({
  attempts: z.number().describe('Attempts through this relay in the window'),
  sent: z.number().describe('Of them, accepted by the relay'),
  failed: z.number().describe('Of them, failed: fell back, deferred, bounced or failed'),
  acceptanceRate: z.number().nullable().describe('sent / attempts, 0 to 1; null without attempts'),
  p50Ms: z.number().nullable().describe('Median attempt duration in milliseconds'),
  p99Ms: z.number().nullable().describe('99th percentile of attempt duration in milliseconds'),
  suspendedMs: z.number().describe('Time the relay was suspended within the window'),
});

export const healthBucketSchema = z.object({
  start: z.string(),
  sent: z.number(),
  failed: z.number(),
});

export const relayHealthSchema = z
  .object({
    relayId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'disabled', 'suspended']),
    suspendedUntil: z.string().nullable(),
    failuresToday: z
      .number()
      .describe("Failed attempts since midnight in the org's time zone (3 in a row suspend the relay)"),
    lastError: z
      .object({
        at: z.string(),
        action: z.string(),
        status: z.string().nullable(),
        reply: z.string().nullable(),
        ruleId: z
          .string()
          .nullable()
          .describe('The reply rule that classified it (`domain/smtp-reply-rules.ts`), e.g. conn.refused'),
      })
      .nullable(),
    windows: z.object({ '24h': healthWindowSchema, '7d': healthWindowSchema }),
    hourly: z.array(healthBucketSchema).describe('The last 24 hours, an hour each, oldest first'),
    daily: z.array(healthBucketSchema).describe('The last 7 days, 24 hours each, oldest first'),
  })
  .meta({ id: 'RelayHealth' });
export type RelayHealth = z.infer<typeof relayHealthSchema>;
