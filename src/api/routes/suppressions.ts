/** `GET/POST/DELETE /api/v1/suppressions` (SPEC R20): members read; admins add and remove (audited). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema } from '../../schemas/common.js';
import {
  suppressionCreateSchema,
  suppressionPageSchema,
  suppressionParamsSchema,
  suppressionQuerySchema,
  suppressionSchema,
} from '../../schemas/suppressions.js';
import { listSuppressions, suppress, unsuppress } from '../../services/suppressions.js';
import { principalOf } from '../auth.js';

export const suppressionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['suppressions'];
    app.get(
      '/api/v1/suppressions',
      {
        config: { access: 'read' },
        schema: {
          tags,
          querystring: suppressionQuerySchema,
          response: { 200: suppressionPageSchema, 400: errorBodySchema },
        },
      },
      async (request) => listSuppressions(ctx, principalOf(request).orgId, request.query),
    );
    app.post(
      '/api/v1/suppressions',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          body: suppressionCreateSchema,
          response: { 201: suppressionSchema, 400: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request, reply) => reply.code(201).send(await suppress(ctx, principalOf(request), request.body)),
    );
    app.delete(
      '/api/v1/suppressions/:address',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: suppressionParamsSchema,
          response: { 204: z.null(), 404: errorBodySchema },
        },
      },
      async (request, reply) => {
        await unsuppress(ctx, principalOf(request), request.params.address);
        return reply.code(204).send(null);
      },
    );
  };
