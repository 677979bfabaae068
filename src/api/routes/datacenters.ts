/**
 * `GET /api/v1/datacenters` (the org's own first), `GET /api/v1/datacenters/:id/contains?ip=`,
 * `GET /api/v1/datacenters/:id/export?format=` (a text/plain download) and
 * `GET /api/v1/datacenters/:id/dkim` (the platform's DKIM key and its record: public, so any role).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  containsQuerySchema,
  containsResultSchema,
  dataCenterListSchema,
  exportQuerySchema,
  platformDkimSchema,
} from '../../schemas/datacenters.js';
import { checkAddress, exportDataCenter, listDataCenters } from '../../services/datacenters.js';
import { platformDkim } from '../../services/platform-keys.js';
import { principalOf } from '../auth.js';

export const datacenterRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['data centers'];
    app.get(
      '/api/v1/datacenters',
      { config: { access: 'read' }, schema: { tags, response: { 200: dataCenterListSchema } } },
      async (request) => ({ items: await listDataCenters(ctx, principalOf(request).orgId) }),
    );
    app.get(
      '/api/v1/datacenters/:id/contains',
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          querystring: containsQuerySchema,
          response: { 200: containsResultSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => checkAddress(ctx, request.params.id, request.query.ip),
    );
    app.get(
      '/api/v1/datacenters/:id/export',
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          querystring: exportQuerySchema,
          response: { 200: z.string().describe('text/plain'), 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { format } = request.query;
        const text = exportDataCenter(ctx, id, format);
        return reply
          .type('text/plain; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}-${format}.txt"`)
          .send(`${text}\n`);
      },
    );
    app.get(
      '/api/v1/datacenters/:id/dkim',
      {
        config: { access: 'any' },
        schema: {
          tags,
          params: idParamsSchema,
          response: { 200: platformDkimSchema, 404: errorBodySchema },
        },
      },
      async (request) => platformDkim(ctx, request.params.id),
    );
  };
