/** `GET /api/v1/domains/:id/compliance`: the mailbox providers' bulk-sender rules for one domain (issue 17). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { complianceCheckSchema } from '../../schemas/compliance.js';
import { checkCompliance } from '../../services/compliance-check.js';
import { principalOf } from '../auth.js';

export const complianceRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/domains/:id/compliance',
      {
        config: { access: 'read' },
        schema: {
          tags: ['domains'],
          summary: 'SPF, DKIM key, DMARC on every route, FCrDNS of the egress address and TLS to the relays',
          params: idParamsSchema,
          response: { 200: complianceCheckSchema, 404: errorBodySchema },
        },
      },
      async (request) => checkCompliance(ctx, principalOf(request).orgId, request.params.id),
    );
  };
