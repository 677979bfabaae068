/** Usage per day (SPEC §3 `GET /api/v1/usage?days=N`): the plan total, per relay, platform, bounces. */
import { z } from 'zod';

export const usageQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1, 'must be between 1 and 90')
    .max(90, 'must be between 1 and 90')
    .default(7),
});

export const usageSchema = z.object({
  timeZone: z.string(),
  dailyLimit: z.number(),
  days: z.array(
    z.object({
      day: z.string(),
      plan: z.number(),
      platform: z.number(),
      relays: z.array(z.object({ relayId: z.string(), name: z.string(), count: z.number() })),
      bounced: z.number(),
    }),
  ),
});
