/** `GET/PATCH /api/v1/settings`: the org's time zone and relay fallback policy. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errorBodySchema } from '../../schemas/common.js';
import { settingsPatchSchema, settingsSchema } from '../../schemas/settings.js';
import { getSettings, updateSettings } from '../../services/settings.js';
import { principalOf } from '../auth.js';

export const settingsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['settings'];
    app.get(
      '/api/v1/settings',
      { config: { access: 'read' }, schema: { tags, response: { 200: settingsSchema } } },
      async (request) => getSettings(ctx, principalOf(request).orgId),
    );
    app.patch(
      '/api/v1/settings',
      {
        config: { access: 'admin' },
        schema: { tags, body: settingsPatchSchema, response: { 200: settingsSchema, 400: errorBodySchema } },
      },
      async (request) => updateSettings(ctx, principalOf(request), request.body),
    );
  };
