/** `GET/POST /api/v1/content-rules`, `GET/PATCH/DELETE /api/v1/content-rules/:id` (SPEC R25): members read; admins change (audited). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  contentRuleCreateSchema,
  contentRuleListSchema,
  contentRulePatchSchema,
  contentRuleSchema,
} from '../../schemas/content-rules.js';
import {
  createContentRule,
  deleteContentRule,
  getContentRule,
  listContentRules,
  updateContentRule,
} from '../../services/content-rules.js';
import { principalOf } from '../auth.js';

export const contentRuleRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['content-rules'];
    app.get(
      '/api/v1/content-rules',
      { config: { access: 'read' }, schema: { tags, response: { 200: contentRuleListSchema } } },
      async (request) => listContentRules(ctx, principalOf(request).orgId),
    );
    app.post(
      '/api/v1/content-rules',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          body: contentRuleCreateSchema,
          response: { 201: contentRuleSchema, 400: errorBodySchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createContentRule(ctx, principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/content-rules/:id',
      {
        config: { access: 'read' },
        schema: { tags, params: idParamsSchema, response: { 200: contentRuleSchema, 404: errorBodySchema } },
      },
      async (request) => getContentRule(ctx, principalOf(request).orgId, request.params.id),
    );
    app.patch(
      '/api/v1/content-rules/:id',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          params: idParamsSchema,
          body: contentRulePatchSchema,
          response: { 200: contentRuleSchema, 400: errorBodySchema, 404: errorBodySchema },
        },
      },
      async (request) => updateContentRule(ctx, principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/api/v1/content-rules/:id',
      {
        config: { access: 'admin' },
        schema: { tags, params: idParamsSchema, response: { 204: z.null(), 404: errorBodySchema } },
      },
      async (request, reply) => {
        await deleteContentRule(ctx, principalOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
