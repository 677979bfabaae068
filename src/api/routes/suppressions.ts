/**
 * `GET/POST/DELETE /api/v1/suppressions` (SPEC R20): members read; admins add and remove (audited),
 * and export and import the list as CSV (issue 17).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema } from '../../schemas/common.js';
import {
  suppressionCreateSchema,
  suppressionImportedSchema,
  suppressionImportSchema,
  suppressionPageSchema,
  suppressionParamsSchema,
  suppressionQuerySchema,
  suppressionSchema,
} from '../../schemas/suppressions.js';
import { exportSuppressions, importSuppressions, MAX_IMPORT_ROWS } from '../../services/suppression-csv.js';
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
    app.get(
      '/api/v1/suppressions/export.csv',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          description: 'The list as CSV: address, reason, scope, source, created_at',
          querystring: suppressionQuerySchema.pick({ reason: true, scope: true }),
          produces: ['text/csv'],
        },
      },
      async (request, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="suppressions.csv"')
          .send(await exportSuppressions(ctx, principalOf(request).orgId, request.query)),
    );
    app.post(
      '/api/v1/suppressions/import',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          description: `Adds the addresses of a CSV (columns address, and optionally reason and scope; at most ${MAX_IMPORT_ROWS}); all or nothing`,
          body: suppressionImportSchema,
          response: { 200: suppressionImportedSchema, 400: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request) => importSuppressions(ctx, principalOf(request), request.body.csv),
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
