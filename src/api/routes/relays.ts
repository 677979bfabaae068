/**
 * `/api/v1/relays`: list, read, create, change, enable, disable, resume and delete relays, and a
 * relay's health.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { relayHealthSchema } from '../../schemas/relay-health.js';
import {
  relayCreateSchema,
  relayPatchSchema,
  relaySchema,
  relayTestResultSchema,
} from '../../schemas/relays.js';
import { relayHealth } from '../../services/relay-health-report.js';
import { testSavedRelay, testUnsavedRelay } from '../../services/relay-test.js';
import {
  createRelay,
  deleteRelay,
  disableRelay,
  enableRelay,
  getRelay,
  listRelays,
  resumeRelay,
  updateRelay,
} from '../../services/relays.js';
import { principalOf } from '../auth.js';

export const relayRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['relays'];
    const errors = { 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
    app.get(
      '/api/v1/relays',
      {
        config: { access: 'read' },
        schema: { tags, response: { 200: z.object({ items: z.array(relaySchema) }) } },
      },
      async (request) => ({
        items: await listRelays(ctx, principalOf(request).orgId),
      }),
    );
    app.post(
      '/api/v1/relays',
      {
        config: { access: 'admin' },
        schema: { tags, body: relayCreateSchema, response: { 201: relaySchema, ...errors } },
      },
      async (request, reply) =>
        reply.code(201).send(await createRelay(ctx, principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/relays/:id',
      {
        config: { access: 'read' },
        schema: { tags, params: idParamsSchema, response: { 200: relaySchema, 404: errorBodySchema } },
      },
      async (request) => getRelay(ctx, principalOf(request).orgId, request.params.id),
    );
    app.get(
      '/api/v1/relays/:id/health',
      {
        config: { access: 'read' },
        schema: {
          tags,
          description:
            'Attempts, acceptance rate, latency, failures and time suspended over the last 24 hours and 7 days',
          params: idParamsSchema,
          response: { 200: relayHealthSchema, 404: errorBodySchema },
        },
      },
      async (request) => relayHealth(ctx, principalOf(request).orgId, request.params.id),
    );
    app.patch(
      '/api/v1/relays/:id',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: idParamsSchema,
          body: relayPatchSchema,
          response: { 200: relaySchema, ...errors },
        },
      },
      async (request) => updateRelay(ctx, principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/api/v1/relays/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await deleteRelay(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/v1/relays/test',
      {
        config: { access: 'admin' },
        schema: { tags, body: relayCreateSchema, response: { 200: relayTestResultSchema, ...errors } },
      },
      async (request) => testUnsavedRelay(ctx, principalOf(request), request.body),
    );
    app.post(
      '/api/v1/relays/:id/test',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 200: relayTestResultSchema, ...errors } },
      },
      async (request) => testSavedRelay(ctx, principalOf(request).orgId, request.params.id),
    );
    for (const [action, run] of [
      ['enable', enableRelay],
      ['disable', disableRelay],
      ['resume', resumeRelay],
    ] as const) {
      app.post(
        `/api/v1/relays/:id/${action}`,
        {
          config: { access: 'admin' },
          schema: { tags, params: idParamsSchema, response: { 200: relaySchema, ...errors } },
        },
        async (request) => run(ctx, principalOf(request), request.params.id),
      );
    }
  };
