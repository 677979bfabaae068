/**
 * Counts every answered request in the process's HTTP metrics (`metrics/http-metrics.ts`), labelled
 * by the route pattern that matched, so a path full of ids is one series and an unknown path adds none.
 */
import type { FastifyInstance } from 'fastify';
import { type HttpMetrics, UNMATCHED_ROUTE } from '../metrics/http-metrics.js';

export function countRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? undefined : request.routeOptions.url;
    metrics.observe(
      { method: request.method, route: route ?? UNMATCHED_ROUTE, statusCode: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });
}
