/** Liveness and readiness: `/healthz` answers while the process runs; `/readyz` checks the database. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../domain/errors.js';

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const status = z.object({ status: z.string() });
    app.get(
      '/healthz',
      { config: { access: 'public' }, schema: { hide: true, response: { 200: status } } },
      async () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      { config: { access: 'public' }, schema: { hide: true, response: { 200: status } } },
      async () => {
        try {
          await ctx.store.ping();
        } catch (err) {
          ctx.log.warn({ err, event: 'health.db_unreachable' }, 'database unreachable');
          throw new AppError('service_unavailable', 'database unreachable');
        }
        return { status: 'ready' };
      },
    );
  };
