/**
 * `GET /api/v1/usage?days=N`, `GET /api/v1/notifications`, and the complaint-rate guard:
 * `GET /api/v1/reports/complaint-rate` and `POST /api/v1/mass-email/resume` (issue 17).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, iso } from '../../schemas/common.js';
import { complaintRateSchema } from '../../schemas/complaint-rate.js';
import { notificationListSchema } from '../../schemas/notifications.js';
import { usageQuerySchema, usageSchema } from '../../schemas/usage.js';
import { complaintReport, resumeMassEmail } from '../../services/mass-pause.js';
import { usage } from '../../services/usage.js';
import { principalOf } from '../auth.js';

export const reportRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/usage',
      {
        config: { access: 'read' },
        schema: {
          tags: ['reports'],
          querystring: usageQuerySchema,
          response: { 200: usageSchema },
        },
      },
      async (request) => usage(ctx, principalOf(request).orgId, request.query.days),
    );
    app.get(
      '/api/v1/reports/complaint-rate',
      {
        config: { access: 'read' },
        schema: { tags: ['reports'], response: { 200: complaintRateSchema } },
      },
      async (request) => complaintReport(ctx, principalOf(request).orgId),
    );
    app.post(
      '/api/v1/mass-email/resume',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['reports'],
          description: 'Resumes mass email that the complaint-rate guard paused',
          response: { 200: complaintRateSchema, 409: errorBodySchema },
        },
      },
      async (request) => resumeMassEmail(ctx, principalOf(request)),
    );
    app.get(
      '/api/v1/notifications',
      {
        config: { access: 'read' },
        schema: {
          tags: ['notifications'],
          response: { 200: notificationListSchema },
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
