/** `GET /api/v1/dashboard`: the console's first page, today at a glance in one call (issue 20). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { dashboardSchema } from '../../schemas/dashboard.js';
import { dashboard } from '../../services/dashboard.js';
import { principalOf } from '../auth.js';

export const dashboardRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/dashboard',
      {
        config: { access: 'read' },
        schema: {
          tags: ['reports'],
          description:
            "Today in the org's time zone: plan use, each relay against its cap, fallbacks by reason, bounce and complaint rates, the newest notifications",
          response: { 200: dashboardSchema },
        },
      },
      async (request) => dashboard(ctx, principalOf(request).orgId),
    );
  };
