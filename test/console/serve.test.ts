/**
 * How mailroute serves the console: the built app at `/`, index.html for the console's own paths,
 * hashed assets cached, unknown API paths still a JSON 404, and a plain page when not built.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/api/routes/console.js';
import type { AppContext } from '../../src/context.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const built = existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));

describe.skipIf(!built)('the built console at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves index.html at / and for the console’s own paths, never cached', async () => {
    for (const path of ['/', '/relays', '/relays/some-id', '/messages/m1?x=1']) {
      const res = await fetch(t.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets with a long cache life', async () => {
    const dir = fileURLToPath(new URL('../../dist/web/assets/', import.meta.url));
    const js = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${t.url}/assets/${js}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it.each([
    ['br, gzip', 'br'],
    ['gzip', 'gzip'],
    ['identity', null],
  ])('sends the script compressed as the browser accepts (%s)', async (accepted, encoding) => {
    const dir = fileURLToPath(new URL('../../dist/web/assets/', import.meta.url));
    const js = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${t.url}/assets/${js}`, { headers: { 'accept-encoding': accepted } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe(encoding);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toBe(readFileSync(join(dir, js), 'utf8'));
  });

  it('stops within the grace period while a client has not read a response', async () => {
    const app = await startTestApp('sqlite', { MAILROUTE_HTTP_GRACE_SECONDS: '0.2' });
    const dir = fileURLToPath(new URL('../../dist/web/assets/', import.meta.url));
    const js = readdirSync(dir).find((f) => f.endsWith('.js'))!;
    const res = await fetch(`${app.url}/assets/${js}`);
    expect(res.status).toBe(200);
    // The body stays unread: without the grace period, closing waits for this client.
    await app.close();
  }, 5000);

  it('keeps the JSON 404 for unknown API paths and refuses paths out of the build', async () => {
    const api = await t.call('GET', '/api/v1/nothing-here', undefined, null);
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
    const outside = await fetch(`${t.url}/..%2f..%2fpackage.json`);
    expect(await outside.text()).not.toContain('"name": "mailroute"');
  });

  it('leaves the API and its authentication alone', async () => {
    expect((await t.call('GET', '/api/v1/relays', undefined, null)).status).toBe(401);
    expect((await t.call('GET', '/api/openapi.json', undefined, null)).status).toBe(200);
  });
});

describe('the console when it is not built', () => {
  it('says to run the build', async () => {
    const app = Fastify();
    await app.register(consoleRoutes({} as AppContext, '/nonexistent/mailroute-web'));
    const res = await app.inject({ method: 'GET', url: '/relays' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});
