/**
 * 405 for a path that exists with other methods: every route is recorded as it is added, and the
 * not-found handler asks which methods the request's path has. The console's catch-all (`/*`)
 * names no path of its own and is left out, so an unknown path stays 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

export interface KnownRoute {
  pattern: RegExp;
  methods: readonly string[];
}

/** `/api/v1/relays/:id/test` → a regular expression for its concrete paths; none for wildcards. */
export function routePattern(url: string): RegExp | undefined {
  if (url.includes('*')) return undefined;
  const segments = url
    .split('/')
    .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/** The methods `path` answers to, in order, or none. Pure. */
export function allowedMethods(routes: readonly KnownRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
  return [...methods].sort();
}

/** Call before any route is added; returns the not-found handler to install. */
export function answerWrongMethods(app: FastifyInstance) {
  const routes: KnownRoute[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = routePattern(route.url);
    if (!pattern) return;
    routes.push({ pattern, methods: [route.method].flat().map((m) => m.toUpperCase()) });
  });
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allow = allowedMethods(routes, path);
    if (allow.length > 0) {
      return reply
        .code(405)
        .header('allow', allow.join(', '))
        .send(
          errorBody('method_not_allowed', `${request.method} is not allowed here; use ${allow.join(', ')}`),
        );
    }
    return reply.code(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
  };
}
