/**
 * `GET /metrics`: the Prometheus text format (`metrics/`). Not an API-key route: with
 * `MAILROUTE_METRICS_TOKEN` set it needs that bearer token (401 without it or with another);
 * unset, it answers loopback clients only (403 to others). It is registered before the console,
 * whose catch-all would otherwise answer with the console's page.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../domain/errors.js';
import { metricsAccess } from '../../metrics/access.js';
import type { Metrics } from '../../metrics/registry.js';

export const metricsRoutes =
  (ctx: AppContext, metrics: Metrics): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const access = metricsAccess(ctx.config.metricsToken, request.headers.authorization, request.ip);
      if (access === 'token-required' || access === 'wrong-token') {
        reply.header('www-authenticate', 'Bearer realm="mailroute metrics"');
        throw new AppError(
          'unauthorized',
          access === 'wrong-token'
            ? 'wrong metrics token'
            : 'send "Authorization: Bearer <token>" with the token MAILROUTE_METRICS_TOKEN sets',
        );
      }
      if (access === 'not-loopback')
        throw new AppError(
          'forbidden',
          'metrics answer only loopback clients unless MAILROUTE_METRICS_TOKEN is set',
        );
      const text = await metrics.render();
      reply.header('cache-control', 'no-store');
      return reply.type(metrics.contentType).send(text);
    });
  };
