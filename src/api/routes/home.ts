/** The page at `/` until the console is built: what this server is and where its API lives. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mailroute</title></head>
<body>
<h1>mailroute</h1>
<p>Outbound email relay gateway. The admin console is not built yet; use the HTTP API.</p>
<ul><li><a href="/api/openapi.json">OpenAPI document</a></li><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul>
</body></html>`;

export const homeRoutes =
  (_ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(page),
    );
  };
