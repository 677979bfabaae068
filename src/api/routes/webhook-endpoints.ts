/**
 * Event webhook endpoints (SPEC §2.5): `GET/POST /api/v1/webhooks/endpoints`,
 * `GET/PATCH/DELETE /api/v1/webhooks/endpoints/:id`, `GET /api/v1/webhooks/endpoints/:id/deliveries`.
 * Members read; admins change (audited). The static `endpoints` segment is matched before the bounce
 * import's `POST /api/v1/webhooks/:provider`, so no provider may be called `endpoints`.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  webhookDeliveryPageSchema,
  webhookDeliveryQuerySchema,
  webhookEndpointCreatedSchema,
  webhookEndpointCreateSchema,
  webhookEndpointListSchema,
  webhookEndpointPatchSchema,
  webhookEndpointSchema,
} from '../../schemas/webhooks.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  updateEndpoint,
} from '../../services/webhook-endpoints.js';
import { principalOf } from '../auth.js';

const BASE = '/api/v1/webhooks/endpoints';

export const webhookEndpointRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['webhooks'];
    app.get(
      BASE,
      { config: { access: 'read' }, schema: { tags, response: { 200: webhookEndpointListSchema } } },
      async (request) => ({ items: await listEndpoints(ctx, principalOf(request).orgId) }),
    );
    app.post(
      BASE,
      {
        config: { access: 'admin' },
        schema: {
          tags,
          body: webhookEndpointCreateSchema,
          response: { 201: webhookEndpointCreatedSchema, 400: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createEndpoint(ctx, principalOf(request), request.body)),
    );
    app.get(
      `${BASE}/:id`,
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          response: { 200: webhookEndpointSchema, 404: errorBodySchema },
        },
      },
      async (request) => getEndpoint(ctx, principalOf(request).orgId, request.params.id),
    );
    app.patch(
      `${BASE}/:id`,
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: idParamsSchema,
          body: webhookEndpointPatchSchema,
          response: { 200: webhookEndpointSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => updateEndpoint(ctx, principalOf(request), request.params.id, request.body),
    );
    app.delete(
      `${BASE}/:id`,
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), 404: errorBodySchema } },
      },
      async (request, reply) => {
        await deleteEndpoint(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      `${BASE}/:id/deliveries`,
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          querystring: webhookDeliveryQuerySchema,
          response: { 200: webhookDeliveryPageSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => listDeliveries(ctx, principalOf(request).orgId, request.params.id, request.query),
    );
  };
