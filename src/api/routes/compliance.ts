/** `GET /api/v1/domains/:id/compliance`: the mailbox providers' bulk-sender rules for one domain (issue 17). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
          querystring: z.object({
            relayTls: z
              .enum(['probe', 'settings'], { error: 'must be "probe" or "settings"' })
              .default('probe')
              .describe(
                'probe: connect to each relay to find its TLS; settings: read it off the relay settings (no connection)',
              ),
          }),
          response: { 200: complianceCheckSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) =>
        checkCompliance(ctx, principalOf(request).orgId, request.params.id, request.query.relayTls),
    );
  };
