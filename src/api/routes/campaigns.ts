/**
 * A mass email as a campaign (issue 20): `GET /api/v1/messages/:id/progress` (its counts, one
 * call) and `GET /api/v1/messages/:id/deliveries` (its recipients, paged and searchable).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import {
  messageProgressSchema,
  recipientPageSchema,
  recipientsQuerySchema,
} from '../../schemas/campaigns.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { listRecipients, messageProgress } from '../../services/campaigns.js';
import { principalOf } from '../auth.js';

export const campaignRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['messages'];
    app.get(
      '/api/v1/messages/:id/progress',
      {
        config: { access: 'any' },
        schema: {
          tags,
          summary: 'A message’s deliveries counted by status and by route, in one call',
          params: idParamsSchema,
          response: { 200: messageProgressSchema, 404: errorBodySchema },
        },
      },
      async (request) => messageProgress(ctx, principalOf(request).orgId, request.params.id),
    );
    app.get(
      '/api/v1/messages/:id/deliveries',
      {
        config: { access: 'any' },
        schema: {
          tags,
          summary: 'A message’s recipients with their merged subjects, paged, searchable',
          params: idParamsSchema,
          querystring: recipientsQuerySchema,
          response: { 200: recipientPageSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => listRecipients(ctx, principalOf(request).orgId, request.params.id, request.query),
    );
  };
