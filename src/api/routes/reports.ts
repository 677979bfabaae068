/** `GET /api/v1/usage?days=N` and `GET /api/v1/notifications`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { iso } from '../../schemas/common.js';
import { usage } from '../../services/usage.js';
import { principalOf } from '../auth.js';

const usageSchema = z.object({
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

const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  read: z.boolean(),
});

export const reportRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/usage',
      {
        config: { access: 'read' },
        schema: {
          tags: ['reports'],
          querystring: z.object({
            days: z.coerce
              .number()
              .int()
              .min(1, 'must be between 1 and 90')
              .max(90, 'must be between 1 and 90')
              .default(7),
          }),
          response: { 200: usageSchema },
        },
      },
      async (request) => usage(ctx, principalOf(request).orgId, request.query.days),
    );
    app.get(
      '/api/v1/notifications',
      {
        config: { access: 'read' },
        schema: {
          tags: ['notifications'],
          response: { 200: z.object({ items: z.array(notificationSchema) }) },
        },
      },
      async (request) => {
        const rows = await ctx.store.db
          .selectFrom('notifications')
          .selectAll()
          .where('org_id', '=', principalOf(request).orgId)
          .orderBy('created_at', 'desc')
          .limit(200)
          .execute();
        return {
          items: rows.map((n) => ({
            id: n.id,
            kind: n.kind,
            data: JSON.parse(n.data),
            createdAt: iso(n.created_at)!,
            read: n.read_at !== null,
          })),
        };
      },
    );
  };
