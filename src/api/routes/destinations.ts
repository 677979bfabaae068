/**
 * `GET /api/v1/destinations` (the shaping rules in force with their state, issue 21) and
 * `POST /api/v1/destinations/:id/resume` (end a pause or a halved rate now). Destinations are
 * platform-wide: any signed-in role reads them; only platform admins resume
 * (`services/destinations.ts`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema } from '../../schemas/common.js';
import {
  destinationListSchema,
  destinationParamsSchema,
  destinationViewSchema,
} from '../../schemas/destinations.js';
import { isPlatformAdmin, listDestinations, resumeNow } from '../../services/destinations.js';
import { principalOf } from '../auth.js';

export const destinationRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['destinations'];
    app.get(
      '/api/v1/destinations',
      { config: { access: 'read' }, schema: { tags, response: { 200: destinationListSchema } } },
      async (request) => ({
        items: await listDestinations(ctx),
        canResume: await isPlatformAdmin(ctx, principalOf(request)),
      }),
    );
    app.post(
      '/api/v1/destinations/:id/resume',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: destinationParamsSchema,
          response: { 200: destinationViewSchema, 403: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => resumeNow(ctx, principalOf(request), request.params.id),
    );
  };
