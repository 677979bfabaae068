/** `GET/POST/DELETE /api/v1/api-keys` (admin only), and `GET /api/v1/submission`: where to submit over SMTP. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  apiKeyCreatedSchema,
  apiKeyCreateSchema,
  apiKeySchema,
  type SubmissionInfo,
  submissionInfoSchema,
} from '../../schemas/api-keys.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import { principalOf } from '../auth.js';

/** The ports this process listens on; the configured ones when it runs no submission server. */
function submissionInfo(ctx: AppContext): SubmissionInfo {
  const c = ctx.config.submission;
  const live = ctx.listening?.submission;
  const configured = (p: number | 'off') => (p === 'off' || p === 0 ? null : p);
  const port = live ? (live.port ?? null) : configured(c.port);
  const tlsPort = live ? (live.tlsPort ?? null) : configured(c.tlsPort);
  return {
    enabled: port !== null || tlsPort !== null,
    host: c.host,
    loopbackOnly: /^(127\.|::1$|localhost$)/.test(c.host),
    port,
    tlsPort,
  };
}

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
    app.get(
      '/api/v1/submission',
      {
        config: { access: 'any' },
        schema: {
          tags,
          summary: 'Where applications submit mail over SMTP, with an API key as the password',
          response: { 200: submissionInfoSchema },
        },
      },
      async () => submissionInfo(ctx),
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
