/** `/api/v1/domains`: add, list, read, delete, verify now, and generate or rotate the DKIM key. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  dkimRotateSchema,
  domainCreateSchema,
  domainSchema,
  verifyResultSchema,
} from '../../schemas/domains.js';
import {
  createDomain,
  deleteDomain,
  getDomain,
  listDomains,
  rotateDkim,
  verifyDomain,
} from '../../services/domains.js';
import { principalOf } from '../auth.js';

export const domainRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['domains'];
    const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
    app.get(
      '/api/v1/domains',
      {
        config: { access: 'read' },
        schema: { tags, response: { 200: z.object({ items: z.array(domainSchema) }) } },
      },
      async (request) => ({
        items: await listDomains(ctx, principalOf(request).orgId),
      }),
    );
    app.post(
      '/api/v1/domains',
      {
        config: { access: 'admin' },
        schema: { tags, body: domainCreateSchema, response: { 201: domainSchema, ...errors } },
      },
      async (request, reply) =>
        reply.code(201).send(await createDomain(ctx, principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/domains/:id',
      {
        config: { access: 'read' },
        schema: { tags, params: idParamsSchema, response: { 200: domainSchema, 404: errorBodySchema } },
      },
      async (request) => getDomain(ctx, principalOf(request).orgId, request.params.id),
    );
    app.delete(
      '/api/v1/domains/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await deleteDomain(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/domains/:id/verify',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 200: verifyResultSchema, 404: errorBodySchema } },
      },
      async (request) => verifyDomain(ctx, principalOf(request), request.params.id),
    );
    app.post(
      '/api/v1/domains/:id/dkim',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: idParamsSchema,
          body: dkimRotateSchema.nullish(),
          response: { 200: domainSchema, ...errors },
        },
      },
      async (request) =>
        rotateDkim(ctx, principalOf(request), request.params.id, request.body?.algorithm ?? 'rsa-2048'),
    );
  };
