/**
 * `Content-Type: application/json` with an empty body, as many HTTP clients send on a bodiless
 * action: a route that takes no body runs as if none had been sent; a route that needs one answers
 * 400 naming the missing body. Both are walked from the OpenAPI document, so a route added later
 * is held to the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

interface Operation {
  method: string;
  path: string;
  requestBody?: { required?: boolean };
}

/** Routes whose body is not described by the document, with the reason. */
const ownBodies: Record<string, string> = {
  'POST /api/v1/webhooks/{provider}':
    'the body is the provider’s signed payload, which the route reads itself',
};

describe.each(dialects)('empty JSON bodies on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let operations: Operation[];
  let domainId: string;
  let relayId: string;

  beforeAll(async () => {
    dns = await startDnsServer();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DNS_SERVERS: dns.address });
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );
    const domain = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body;
    dns.set(domain.verification.name, { TXT: [domain.verification.value] });
    domainId = domain.id;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'office',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    relayId = relay.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  /** The request those clients send: the JSON content type, and no bytes. */
  const empty = (method: string, path: string, contentType = 'application/json', cookie?: string) =>
    t.call(method, path, '', cookie ? null : undefined, {
      'content-type': contentType,
      ...(cookie ? { cookie } : {}),
    });

  it('runs each bodiless action of a relay and a domain, and signs out', async () => {
    const disabled = await empty('POST', `/api/v1/relays/${relayId}/disable`);
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    const enabled = await empty(
      'POST',
      `/api/v1/relays/${relayId}/enable`,
      'application/json; charset=utf-8',
    );
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(enabled.body.status).toBe('active');
    const resumed = await empty('POST', `/api/v1/relays/${relayId}/resume`);
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body.status).toBe('active');
    const tested = await empty('POST', `/api/v1/relays/${relayId}/test`);
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body.ok).toBe(true);
    const verified = await empty('POST', `/api/v1/domains/${domainId}/verify`);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.domain.verified).toBe(true);
    // The DKIM key's body is optional (the algorithm defaults to RSA-2048).
    const rotated = await empty('POST', `/api/v1/domains/${domainId}/dkim`);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.dkimPending).toMatchObject({ algorithm: 'rsa-2048', status: 'pending' });

    const login = await t.call(
      'POST',
      '/api/auth/login',
      { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      null,
    );
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.call('GET', '/api/auth/me', undefined, null, { cookie })).status).toBe(200);
    const out = await empty('POST', '/api/auth/logout', 'application/json', cookie);
    expect(out.status, JSON.stringify(out.body)).toBe(204);
    expect((await t.call('GET', '/api/auth/me', undefined, null, { cookie })).status).toBe(401);
  });

  it('accepts an empty JSON body on every route of the OpenAPI document that takes none', async () => {
    const bodiless = operations.filter(
      (op) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method) &&
        op.requestBody?.required !== true &&
        !ownBodies[`${op.method} ${op.path}`],
    );
    expect(bodiless.map((op) => `${op.method} ${op.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/auth/logout',
        'POST /api/v1/relays/{id}/enable',
        'POST /api/v1/domains/{id}/verify',
        'POST /api/v1/domains/{id}/dkim',
      ]),
    );
    for (const op of bodiless) {
      // Ids of nothing: the answer is the route's own (404), reached only once the body is parsed.
      const path = op.path.replace(/\{address\}/g, 'nobody@example.net').replace(/\{\w+\}/g, 'nothing');
      const res = await empty(op.method, path);
      expect(res.status, `${op.method} ${op.path}: ${JSON.stringify(res.body)}`).not.toBe(400);
      expect(res.status, `${op.method} ${op.path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    }
  });

  it('answers 400 naming the missing body on every route that needs one', async () => {
    const needing = operations.filter((op) => op.requestBody?.required === true);
    expect(needing.length).toBeGreaterThan(10);
    for (const op of needing) {
      const path = op.path.replace(/\{\w+\}/g, 'nothing');
      const res = await empty(op.method, path);
      expect({ route: `${op.method} ${op.path}`, status: res.status, body: res.body }).toEqual({
        route: `${op.method} ${op.path}`,
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: 'the request body is empty; this route needs a JSON object',
            fields: { '(body)': 'is required' },
            issues: [{ field: '(body)', code: 'required', message: 'is required' }],
          },
        },
      });
    }
  });
});
