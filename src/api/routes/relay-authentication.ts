/** `GET /api/v1/relays/:id/authentication`: SPF per hop, DKIM, DMARC and what to fix (SPEC R21). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { authenticationCheckSchema } from '../../schemas/authentication.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { checkRelayAuthentication } from '../../services/authentication-check.js';
import { principalOf } from '../auth.js';

export const relayAuthenticationRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/relays/:id/authentication',
      {
        config: { access: 'read' },
        schema: {
          tags: ['relays'],
          summary: "What receivers' SPF, DKIM and DMARC checks will say of mail through this relay",
          params: idParamsSchema,
          response: { 200: authenticationCheckSchema, 404: errorBodySchema },
        },
      },
      async (request) => checkRelayAuthentication(ctx, principalOf(request).orgId, request.params.id),
    );
  };
