/** `GET/POST/DELETE /api/v1/api-keys` (admin only). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { apiKeyCreatedSchema, apiKeyCreateSchema, apiKeySchema } from '../../schemas/api-keys.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import { principalOf } from '../auth.js';

export const apiKeyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['api keys'];
    app.get(
      '/api/v1/api-keys',
      {
        config: { access: 'admin' },
        schema: { tags, response: { 200: z.object({ items: z.array(apiKeySchema) }) } },
      },
      async (request) => ({
        items: await listApiKeys(ctx, principalOf(request).orgId),
      }),
    );
    app.post(
      '/api/v1/api-keys',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          body: apiKeyCreateSchema,
          response: { 201: apiKeyCreatedSchema, 400: errorBodySchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createApiKey(ctx, principalOf(request), request.body)),
    );
    app.delete(
      '/api/v1/api-keys/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), 404: errorBodySchema } },
      },
      async (request, reply) => {
        await revokeApiKey(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
