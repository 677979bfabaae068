/**
 * Tenant isolation, driven by the OpenAPI document: every route whose path names a thing of an org
 * (`{id}`, `{address}`) is called with org B's admin key on org A's real things, and must answer
 * 404 (not 403, not 200) while nothing of org A changes. The routes come from `/api/openapi.json`,
 * so a route added later is walked without anyone remembering to; one this test cannot fill in (a
 * new kind of thing, or a body it has no example of) fails it until it is added here or listed
 * as deliberately not org-scoped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

interface Operation {
  method: string;
  path: string;
  requestBody?: { required?: boolean };
}

/** Routes with a path parameter that is not a thing of an org, and why. */
const notOrgScoped: Record<string, string> = {
  'GET /api/v1/datacenters/{id}/contains': 'data centers are the operator’s, the same for every org',
  'GET /api/v1/datacenters/{id}/export': 'data centers are the operator’s, the same for every org',
  'GET /api/v1/datacenters/{id}/dkim':
    'the platform signing key of a data center is public, the same for every org',
  'POST /api/v1/webhooks/{provider}':
    'names a bounce provider; public, authenticated by the provider’s signature, not by an org’s key',
  'GET /u/{token}':
    'public one-click unsubscribe page: the signed token (HMAC) is the credential, not an org’s key',
  'POST /u/{token}':
    'public one-click unsubscribe (RFC 8058): the signed token (HMAC) is the credential, not an org’s key',
  'POST /api/v1/destinations/{id}/resume':
    'destinations are platform-wide (platform delivery is shared): only platform admins resume one; test/api/destinations.test.ts',
  'GET /api/v1/oauth/callback':
    'public: the browser returns from the provider; the one-time state (a secret) names the flow',
};

/** A valid body for each route that needs one (or takes an optional one), as org A would send it. */
const bodies: Record<string, unknown> = {
  'PATCH /api/v1/relays/{id}': { name: 'taken over', dailyLimit: 1 },
  'PUT /api/v1/relays/{id}/bounce-mailbox': {
    host: '127.0.0.1',
    port: 143,
    security: 'none',
    authentication: { type: 'password', username: 'intruder', password: 'intruder password 1' },
    enabled: false,
  },
  'POST /api/v1/domains/{id}/dkim': { algorithm: 'ed25519' },
  'PATCH /api/v1/users/{id}': { role: 'admin', password: 'taken over password' },
  'PATCH /api/v1/content-rules/{id}': { text: 'taken over', enabled: false },
  'PATCH /api/v1/webhooks/endpoints/{id}': { url: 'http://127.0.0.1:9/taken-over', enabled: true },
};

type Things = Record<string, string>;

/**
 * Org A's thing for a path parameter, by the collection it follows (`relays/{id}`, and so
 * `relays/{id}/enable` too); undefined for a kind of thing this test does not know yet.
 */
function thingFor(path: string, param: string, things: Things): string | undefined {
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  return things[`${segments[at - 1]}/{${param}}`];
}

const key = (op: Operation) => `${op.method} ${op.path}`;

describe.each(dialects)('tenant isolation on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let orgBKey: string;
  let operations: Operation[];
  const things: Things = {};

  beforeAll(async () => {
    dns = await startDnsServer();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${smtp.port}`,
    });
    const orgB = await createOrg(t.app.ctx, { name: 'org-b' });
    const actor: Principal = { kind: 'api_key', id: 'test', orgId: orgB.id, role: 'admin', label: 'test' };
    orgBKey = (await createApiKey(t.app.ctx, actor, { name: 'org B admin', role: 'admin' })).key;

    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );

    // One of each kind of thing in org A (org `default`, the bootstrap key's).
    const created = async (path: string, body: unknown) => {
      const res = await t.call(path.startsWith('PUT ') ? 'PUT' : 'POST', path.replace(/^PUT /, ''), body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    things['domains/{id}'] = (await created('/api/v1/domains', { name: 'sakura.com' })).id;
    things['relays/{id}'] = (
      await created('/api/v1/relays', {
        name: 'office',
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        dailyLimit: 100,
        domainId: things['domains/{id}'],
        emailTypes: ['workflow'],
        bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
      })
    ).id;
    await created(`PUT /api/v1/relays/${things['relays/{id}']}/bounce-mailbox`, {
      host: '127.0.0.1',
      port: 143,
      security: 'none',
      authentication: { type: 'password', username: 'bounce@sakura.com', password: 'mailbox password 1' },
      enabled: false,
    });
    const message = await created('/api/v1/messages', {
      type: 'workflow',
      from: 'amelia@sakura.com',
      to: ['customer@example.net'],
      subject: 'Hello',
      text: 'Hi',
    });
    expect((await settled(t, message.id)).deliveries[0].status).toBe('sent');
    things['messages/{id}'] = message.id;
    things['suppressions/{address}'] = (
      await created('/api/v1/suppressions', { address: 'gone@example.net' })
    ).address;
    things['content-rules/{id}'] = (
      await created('/api/v1/content-rules', {
        name: 'privacy',
        position: 'footer',
        text: 'Privacy notice',
        emailTypes: ['workflow'],
      })
    ).id;
    // Disabled, so that no event is sent to it while the test compares.
    things['endpoints/{id}'] = (
      await created('/api/v1/webhooks/endpoints', {
        url: 'http://127.0.0.1:9/hooks',
        events: ['delivery.sent'],
        enabled: false,
      })
    ).id;
    things['users/{id}'] = (
      await created('/api/v1/users', {
        email: 'member@sakura.com',
        name: 'Member',
        role: 'member',
        password: 'member password 123',
      })
    ).id;
    things['api-keys/{id}'] = (await created('/api/v1/api-keys', { name: 'ops', role: 'send' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  const pathParams = (op: Operation) => [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const filled = (op: Operation) =>
    op.path.replace(/\{(\w+)\}/g, (_, param: string) =>
      encodeURIComponent(thingFor(op.path, param, things)!),
    );

  /** Every read of org A the document offers, through org A's key. */
  async function snapshot(): Promise<Record<string, { status: number; body: unknown }>> {
    const reads = operations.filter(
      (op) =>
        op.method === 'GET' &&
        !notOrgScoped[key(op)] &&
        pathParams(op).every((p) => thingFor(op.path, p, things) !== undefined),
    );
    const answers = await Promise.all(reads.map((op) => t.call('GET', filled(op), undefined, ADMIN_KEY)));
    return Object.fromEntries(
      reads.map((op, i) => [op.path, { status: answers[i]!.status, body: answers[i]!.body }]),
    );
  }

  it('lists only routes and bodies the document has', () => {
    const routes = new Set(operations.map(key));
    for (const listed of [...Object.keys(notOrgScoped), ...Object.keys(bodies)])
      expect(routes.has(listed), listed).toBe(true);
  });

  it("answers org B's key with 404 on every route that names a thing of org A, and changes nothing", async () => {
    const before = await snapshot();
    // The snapshot reads org A's real things: every read answers.
    expect(Object.entries(before).filter(([, r]) => r.status !== 200)).toEqual([]);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['/api/v1/relays/{id}', '/api/v1/messages/{id}']),
    );

    const walked = operations
      .filter((op) => pathParams(op).length > 0 && !notOrgScoped[key(op)])
      // Deletions last, so that a leak in one of them cannot hide another route's.
      .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const unknown = walked.flatMap((op) => [
      ...pathParams(op)
        .filter((p) => thingFor(op.path, p, things) === undefined)
        .map(
          (p) =>
            `${key(op)}: no thing of org A for {${p}}; create one above or list the route in notOrgScoped`,
        ),
      ...(op.requestBody?.required && !(key(op) in bodies)
        ? [`${key(op)}: needs a body; add a valid one to bodies`]
        : []),
    ]);
    expect(unknown).toEqual([]);
    expect(walked.length).toBeGreaterThanOrEqual(30);

    for (const op of walked) {
      const res = await t.call(op.method, filled(op), bodies[key(op)], orgBKey);
      expect({ route: key(op), status: res.status, code: res.body?.error?.code }).toEqual({
        route: key(op),
        status: 404,
        code: 'not_found',
      });
      // A read must not change anything either: checked once all have run, below.
      if (op.method !== 'GET') expect(await snapshot(), `${key(op)} changed org A`).toEqual(before);
    }
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
