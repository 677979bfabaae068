/**
 * Bounces: `GET /api/v1/bounces` (members: the org's recorded bounces, by reason, class or
 * recipient). Bounce import (SPEC R19): `POST /api/v1/bounces` (admin) and `POST /api/v1/webhooks/:provider`
 * (public: each provider's signature or credentials authenticate it; 401 and nothing changed when
 * they do not verify). Webhook bodies are kept as received, since signatures cover the bytes.
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { importBounce } from '../../bounces/import.js';
import { handleWebhook } from '../../bounces/webhooks/handle.js';
import type { AppContext } from '../../context.js';
import {
  bounceImportedSchema,
  bounceImportSchema,
  bouncePageSchema,
  bounceQuerySchema,
  webhookParamsSchema,
  webhookResultSchema,
} from '../../schemas/bounces.js';
import { errorBodySchema } from '../../schemas/common.js';
import { listBounces } from '../../services/bounces.js';
import { principalOf } from '../auth.js';

const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

export const bounceRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/bounces',
      {
        config: { access: 'read' },
        schema: {
          tags: ['bounces'],
          querystring: bounceQuerySchema,
          response: { 200: bouncePageSchema, 400: errorBodySchema },
        },
      },
      async (request) => listBounces(ctx, principalOf(request).orgId, request.query),
    );
    app.post(
      '/api/v1/bounces',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['bounces'],
          body: bounceImportSchema,
          response: { 201: bounceImportedSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await importBounce(ctx, principalOf(request), request.body)),
    );
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser(
        '*',
        { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );
      hooks.withTypeProvider<ZodTypeProvider>().post(
        '/api/v1/webhooks/:provider',
        {
          config: { access: 'public' },
          schema: {
            tags: ['bounces'],
            params: webhookParamsSchema,
            response: {
              200: webhookResultSchema,
              400: errorBodySchema,
              401: errorBodySchema,
              404: errorBodySchema,
            },
          },
        },
        async (request) =>
          handleWebhook(ctx, request.params.provider, {
            body: typeof request.body === 'string' ? request.body : '',
            headers: request.headers,
          }),
      );
    });
  };
