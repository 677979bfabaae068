/** `/api/v1/relays/:id/bounce-mailbox`: the IMAP mailbox of a relay's fixed bounce address (R19). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  bounceMailboxInputSchema,
  bounceMailboxPollSchema,
  bounceMailboxSchema,
} from '../../schemas/bounce-mailboxes.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  deleteBounceMailbox,
  getBounceMailbox,
  pollBounceMailboxNow,
  putBounceMailbox,
} from '../../services/bounce-mailboxes.js';
import { principalOf } from '../auth.js';

export const bounceMailboxRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['relays'];
    const path = '/api/v1/relays/:id/bounce-mailbox';
    const errors = { 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
    app.get(
      path,
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          response: { 200: bounceMailboxSchema, 404: errorBodySchema },
        },
      },
      async (request) => getBounceMailbox(ctx, principalOf(request).orgId, request.params.id),
    );
    app.put(
      path,
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: idParamsSchema,
          body: bounceMailboxInputSchema,
          response: { 200: bounceMailboxSchema, ...errors },
        },
      },
      async (request) => putBounceMailbox(ctx, principalOf(request), request.params.id, request.body),
    );
    app.delete(
      path,
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await deleteBounceMailbox(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.post(
      `${path}/poll`,
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 200: bounceMailboxPollSchema, ...errors } },
      },
      async (request) => pollBounceMailboxNow(ctx, principalOf(request).orgId, request.params.id),
    );
  };
