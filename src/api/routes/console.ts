/**
 * The admin console at `/`: the React build in `dist/web` (made by `npm run build`), with the
 * single-page-app fallback: any GET outside `/api/` that names no built file gets `index.html`, so
 * the console's own routes (`/relays/…`) survive a reload. Unknown `/api/` paths keep their JSON 404.
 * Hashed assets are cached for a year; `index.html` never. Files go out Brotli- or gzip-compressed
 * when the browser accepts it. Without a build, a plain page says so.
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { errorBody } from '../errors.js';

/** `<repo>/dist/web`, both from `src/api/routes` (tests) and `dist/api/routes` (the build). */
export const consoleDir = fileURLToPath(new URL('../../../dist/web', import.meta.url));

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mailroute</title></head>
<body>
<h1>mailroute</h1>
<p>The admin console is not built. Run <code>npm run build</code> (or
<code>npx vite build --config web/vite.config.ts</code>) and restart mailroute.</p>
<p>The HTTP API works meanwhile: <a href="/api/openapi.json">OpenAPI document</a>.</p>
</body></html>`;

function builtFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const relative = normalize(decoded).replace(/^[/\\]+/, '');
  if (relative === '' || relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
  const full = join(root, relative);
  try {
    return statSync(full).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

export const consoleRoutes =
  (_ctx: AppContext, root = consoleDir): FastifyPluginAsyncZod =>
  async (app) => {
    const built = existsSync(join(root, 'index.html'));
    // The build holds Brotli and gzip copies of its text files (web/precompress.ts).
    if (built) await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path === '/api' || path.startsWith('/api/')) {
        return reply.code(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
      }
      if (!built) return reply.type('text/html; charset=utf-8').send(notBuilt);
      const file = builtFile(root, path);
      if (file) {
        const hashed = file.startsWith(`assets${sep}`);
        if (hashed) return reply.sendFile(file, { maxAge: '365d', immutable: true });
        reply.header('cache-control', 'no-cache');
        return reply.sendFile(file, { cacheControl: false });
      }
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    };
    const options = { config: { access: 'public' as const }, schema: { hide: true } };
    app.get('/', options, page);
    app.get('/*', options, page);
  };
