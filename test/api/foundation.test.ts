import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetrySchedules } from '../../src/domain/retry-schedules.js';
import { ADMIN_EMAIL, ADMIN_KEY, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('HTTP API foundation on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('answers /healthz and /readyz without credentials', async () => {
      expect(await t.call('GET', '/healthz', undefined, null)).toMatchObject({
        status: 200,
        body: { status: 'ok' },
      });
      expect(await t.call('GET', '/readyz', undefined, null)).toMatchObject({
        status: 200,
        body: { status: 'ready' },
      });
    });

    it('serves a page at /', async () => {
      const res = await fetch(`${t.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('mailroute');
    });
  });

  describe('authentication and access', () => {
    it('refuses a request without credentials with 401 in the error format', async () => {
      const res = await t.call('GET', '/api/v1/settings', undefined, null);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });

    it('refuses an unknown key and a malformed Authorization header with 401', async () => {
      expect((await t.call('GET', '/api/v1/settings', undefined, 'mr_not-a-real-key')).status).toBe(401);
      const res = await t.call('GET', '/api/v1/settings', undefined, null, {
        authorization: 'Basic Zm9vOmJhcg==',
      });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toContain('Bearer');
    });

    it('gives a send key 403 on admin routes, names the role, and lets it see who it is', async () => {
      const created = await t.call('POST', '/api/v1/api-keys', { name: 'crm sender', role: 'send' });
      expect(created.status).toBe(201);
      const sendKey = created.body.key as string;
      for (const [method, path, body] of [
        ['GET', '/api/v1/api-keys', undefined],
        ['POST', '/api/v1/api-keys', { name: 'x', role: 'admin' }],
        ['PATCH', '/api/v1/settings', { relayFallback: 'retry' }],
        ['GET', '/api/v1/audit-log', undefined],
      ] as const) {
        const res = await t.call(method, path, body, sendKey);
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'forbidden' });
        expect(res.body.error.message).toContain('"send"');
      }
      const me = await t.call('GET', '/api/auth/me', undefined, sendKey);
      expect(me.body).toMatchObject({ kind: 'api_key', role: 'send', orgName: 'default' });
    });

    it('signs a console user in with a session cookie and out again', async () => {
      const bad = await t.call('POST', '/api/auth/login', { email: ADMIN_EMAIL, password: 'wrong' }, null);
      expect(bad.status).toBe(401);
      expect(bad.body.error.message).toBe('wrong email or password');
      const unknown = await t.call(
        'POST',
        '/api/auth/login',
        { email: 'nobody@example.test', password: 'x' },
        null,
      );
      expect(unknown.body).toEqual(bad.body);

      const ok = await t.call(
        'POST',
        '/api/auth/login',
        { email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD },
        null,
      );
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ kind: 'user', role: 'admin', label: ADMIN_EMAIL });
      const setCookie = ok.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/mailroute_session=ses_/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      // The lifetime as Max-Age (12 h by default), never an Expires date from the server's clock,
      // which a browser with another clock could find already past.
      expect(setCookie).toMatch(/Max-Age=43200(;|$)/i);
      expect(setCookie).not.toMatch(/Expires=/i);
      const cookie = setCookie.split(';')[0]!;

      const settings = await t.call('GET', '/api/v1/settings', undefined, null, { cookie });
      expect(settings.status).toBe(200);
      expect((await t.call('POST', '/api/auth/logout', undefined, null, { cookie })).status).toBe(204);
      expect((await t.call('GET', '/api/v1/settings', undefined, null, { cookie })).status).toBe(401);
    });

    it('expires sessions after the configured lifetime', async () => {
      const ok = await t.call(
        'POST',
        '/api/auth/login',
        { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
        null,
      );
      const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
      t.clock.advance(13 * 3_600_000);
      try {
        expect((await t.call('GET', '/api/v1/settings', undefined, null, { cookie })).status).toBe(401);
      } finally {
        t.clock.advance(-13 * 3_600_000);
      }
    });

    it('validates the login body', async () => {
      const res = await t.call('POST', '/api/auth/login', { email: 'nope' }, null);
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toMatchObject({
        email: 'must be an email address',
        password: expect.any(String),
      });
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400 in the error format', async () => {
      const res = await t.call('POST', '/api/v1/api-keys', '{"name": ', ADMIN_KEY);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'bad_request', message: 'the request body is not valid JSON' },
      });
    });

    it('names every invalid field', async () => {
      const res = await t.call('POST', '/api/v1/api-keys', { name: '', role: 'root' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields).toEqual({ name: 'must not be empty', role: 'must be "admin" or "send"' });
    });

    it('refuses unknown members rather than ignoring them', async () => {
      const res = await t.call('PATCH', '/api/v1/settings', { timezone: 'UTC' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain('timezone');
    });

    it('answers a wrong content type with 415 and an unknown route with 404, both in the error format', async () => {
      const res = await t.call('POST', '/api/v1/api-keys', 'name=x', ADMIN_KEY, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      const missing = await t.call('GET', '/api/v1/nothing-here');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
    });
  });

  describe('API keys', () => {
    it('creates a key shown once, lists it without its secret, and revokes it', async () => {
      const created = await t.call('POST', '/api/v1/api-keys', { name: 'ops', role: 'admin' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^mr_[A-Za-z0-9_-]{43}$/);
      expect(created.body.prefix).toBe(`${created.body.key.slice(0, 8)}…`);

      const list = await t.call('GET', '/api/v1/api-keys');
      const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(listed).toMatchObject({ name: 'ops', role: 'admin' });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);

      expect((await t.call('GET', '/api/auth/me', undefined, created.body.key)).status).toBe(200);
      expect((await t.call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
      expect((await t.call('GET', '/api/auth/me', undefined, created.body.key)).status).toBe(401);
      const again = await t.call('DELETE', `/api/v1/api-keys/${created.body.id}`);
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('not_found');
    });
  });

  describe('settings', () => {
    it('reads the defaults and changes them, with validation', async () => {
      expect((await t.call('GET', '/api/v1/settings')).body).toEqual({
        timeZone: 'Asia/Tokyo',
        relayFallback: 'platform',
        softBounceThreshold: 3,
        softBounceWindowDays: 7,
        archiveRetentionDays: 365,
        workflowUnsubscribe: false,
        retrySchedules: defaultRetrySchedules(),
      });
      const bad = await t.call('PATCH', '/api/v1/settings', {
        timeZone: 'Mars/Olympus',
        relayFallback: 'drop',
      });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.fields).sort()).toEqual(['relayFallback', 'timeZone']);
      const ok = await t.call('PATCH', '/api/v1/settings', {
        timeZone: 'America/New_York',
        relayFallback: 'retry',
      });
      expect(ok.body).toEqual({
        timeZone: 'America/New_York',
        relayFallback: 'retry',
        softBounceThreshold: 3,
        softBounceWindowDays: 7,
        archiveRetentionDays: 365,
        workflowUnsubscribe: false,
        retrySchedules: defaultRetrySchedules(),
      });
      expect((await t.call('GET', '/api/v1/settings')).body).toEqual(ok.body);
      await t.call('PATCH', '/api/v1/settings', { timeZone: 'Asia/Tokyo', relayFallback: 'platform' });
    });
  });

  describe('audit log', () => {
    it('records who changed what, with before and after and no secrets', async () => {
      const created = await t.call('POST', '/api/v1/api-keys', { name: 'audited', role: 'send' });
      await t.call('PATCH', '/api/v1/settings', { relayFallback: 'retry' });
      await t.call('PATCH', '/api/v1/settings', { relayFallback: 'platform' });
      const log = await t.call('GET', '/api/v1/audit-log?limit=50');
      expect(log.status).toBe(200);
      const [latest] = log.body.items;
      expect(latest).toMatchObject({
        action: 'settings.update',
        actor: { type: 'api_key', label: expect.stringContaining('bootstrap') },
        before: { relayFallback: 'retry' },
        after: { relayFallback: 'platform' },
      });
      const keyEntry = log.body.items.find(
        (e: { action: string; target: { id: string } }) =>
          e.action === 'api_key.create' && e.target.id === created.body.id,
      );
      expect(keyEntry.after).toMatchObject({ name: 'audited', role: 'send' });
      expect(JSON.stringify(log.body)).not.toContain(created.body.key);
      expect(JSON.stringify(log.body)).not.toContain(ADMIN_KEY);
    });

    it('pages with a cursor', async () => {
      const first = await t.call('GET', '/api/v1/audit-log?limit=2');
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.call('GET', `/api/v1/audit-log?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      expect(second.body.items[0].at <= first.body.items[1].at).toBe(true);
      expect((await t.call('GET', '/api/v1/audit-log?limit=0')).body.error.fields).toHaveProperty('limit');
    });
  });

  describe('OpenAPI', () => {
    it('documents every route from the same schemas that validate requests', async () => {
      const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
      expect(doc.openapi).toMatch(/^3\./);
      for (const path of [
        '/api/v1/api-keys',
        '/api/v1/api-keys/{id}',
        '/api/v1/settings',
        '/api/v1/audit-log',
        '/api/auth/login',
      ]) {
        expect(doc.paths).toHaveProperty([path]);
      }
      const body = doc.paths['/api/v1/api-keys'].post.requestBody.content['application/json'].schema;
      expect(body.required).toEqual(expect.arrayContaining(['name', 'role']));
      expect(doc.components.schemas).toHaveProperty('Settings');
    });
  });

  describe('logs', () => {
    it('are JSON lines without passwords, keys or session tokens', async () => {
      const ok = await t.call(
        'POST',
        '/api/auth/login',
        { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
        null,
      );
      const token = ok.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
      await t.call('GET', '/api/v1/settings', undefined, null, { cookie: `mailroute_session=${token}` });
      const text = t.logs.join('');
      expect(t.logs.length).toBeGreaterThan(0);
      for (const line of t.logs) expect(() => JSON.parse(line)).not.toThrow();
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain(ADMIN_KEY);
      expect(text).not.toContain(token);
    });
  });
});

describe('internal errors', () => {
  it('answer 500 without SQL or stack, and readiness reports the database', async () => {
    const t = await startTestApp('sqlite');
    try {
      await t.app.ctx.store.db.schema.dropTable('audit_log').execute();
      const res = await t.call('POST', '/api/v1/api-keys', { name: 'x', role: 'send' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: { code: 'internal', message: 'internal error; see the server log' },
      });
      await t.app.ctx.store.close();
      const ready = await t.call('GET', '/readyz', undefined, null);
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('service_unavailable');
    } finally {
      await t.app.http.close();
    }
  });
});
