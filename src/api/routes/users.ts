/** `/api/v1/users`: the org's console users and their roles (admin only). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { userCreateSchema, userPatchSchema, userSchema } from '../../schemas/users.js';
import { createUser, deleteUser, listUsers, updateUser } from '../../services/users.js';
import { principalOf } from '../auth.js';

export const userRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['users'];
    const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
    const access = { access: 'admin' as const };
    app.get(
      '/api/v1/users',
      { config: access, schema: { tags, response: { 200: z.object({ items: z.array(userSchema) }) } } },
      async (request) => ({
        items: await listUsers(ctx, principalOf(request).orgId),
      }),
    );
    app.post(
      '/api/v1/users',
      { config: access, schema: { tags, body: userCreateSchema, response: { 201: userSchema, ...errors } } },
      async (request, reply) =>
        reply.code(201).send(await createUser(ctx, principalOf(request), request.body)),
    );
    app.patch(
      '/api/v1/users/:id',
      {
        config: access,
        schema: {
          tags,
          params: idParamsSchema,
          body: userPatchSchema,
          response: { 200: userSchema, ...errors },
        },
      },
      async (request) => updateUser(ctx, principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/api/v1/users/:id',
      { config: access, schema: { tags, params: idParamsSchema, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await deleteUser(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
