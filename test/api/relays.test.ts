import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { tokyoDayAtNoon } from '../helpers/clock.js';
import { dialects } from '../helpers/databases.js';

const PASSWORD = 'relay-secret-Pa55';

async function newDomain(t: TestApp, name: string): Promise<string> {
  const res = await t.call('POST', '/api/v1/domains', { name });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id;
}

function relayBody(domainId: string, over: Record<string, unknown> = {}) {
  return {
    name: 'Server 1',
    host: 'smtp.sakura.com',
    port: 587,
    security: 'tls',
    dailyLimit: 1000,
    domainId,
    emailTypes: ['workflow'],
    ...over,
  };
}

describe.each(dialects)('relays API on %s', (dialect) => {
  let t: TestApp;
  let domainId: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    domainId = await newDomain(t, 'sakura.com');
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a relay with every default of R2 and the open-relay warning with the ranges', async () => {
    const res = await t.call('POST', '/api/v1/relays', relayBody(domainId));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Server 1',
      host: 'smtp.sakura.com',
      port: 587,
      security: 'tls',
      verifyCertificate: true,
      caCertificate: null,
      dailyLimit: 1000,
      domainId,
      domain: 'sakura.com',
      emailTypes: ['workflow'],
      dkimSigning: true,
      bounceHandling: { mode: 'platform', fixedReturnPath: false },
      authentication: { type: 'none' },
      priority: 1,
      maxConnections: 5,
      rateLimitPerMinute: null,
      enabled: true,
      status: 'active',
      suspendedUntil: null,
      usageToday: 0,
    });
    const codes = res.body.warnings.map((w: { code: string }) => w.code);
    expect(codes).toEqual(['open_relay', 'domain_unverified']);
    expect(res.body.warnings[0].ranges).toEqual(['127.0.0.0/8', '::1/128']);
    expect(res.body.warnings[0].message.ja).toContain('オープンリレー');
    await t.call('DELETE', `/api/v1/relays/${res.body.id}`);
  });

  it.each([
    ['a port outside the allowed set', { port: 2525 }, 'port', 'must be one of 25, 465, 587'],
    [
      'an unknown security mode',
      { security: 'starttls' },
      'security',
      'must be "ssl" (implicit TLS), "tls" (STARTTLS) or "none"',
    ],
    ['no email types', { emailTypes: [] }, 'emailTypes', 'select at least one email type'],
    [
      'an unknown email type',
      { emailTypes: ['newsletter'] },
      'emailTypes.0',
      'must be "workflow", "mass" or "individual"',
    ],
    ['a repeated email type', { emailTypes: ['mass', 'mass'] }, 'emailTypes', 'must not repeat a type'],
    ['a daily limit below 1', { dailyLimit: 0 }, 'dailyLimit', 'must be at least 1'],
    ['a fractional daily limit', { dailyLimit: 1.5 }, 'dailyLimit', 'must be a whole number'],
    [
      'a daily limit above the plan',
      { dailyLimit: 5001 },
      'dailyLimit',
      'must be at most 5000, the daily limit of the "standard" plan',
    ],
    [
      'a bounce address on another domain',
      { bounceHandling: { mode: 'address', address: 'bounce@other.example' } },
      'bounceHandling.address',
      "must be an address at sakura.com, the relay's domain",
    ],
    [
      'a bounce address that is not an address',
      { bounceHandling: { mode: 'address', address: 'nobody' } },
      'bounceHandling.address',
      'must be an email address',
    ],
    ['an unknown domain', { domainId: 'dom_nope' }, 'domainId', 'unknown domain: add it first under domains'],
    [
      'an invalid host',
      { host: 'smtp sakura com' },
      'host',
      'must be a host name such as smtp.example.com or an IP address',
    ],
    ['a link-local IPv4 host', { host: '169.254.10.1' }, 'host', 'link-local addresses cannot be relays'],
    ['a link-local IPv6 host', { host: 'fe80::1' }, 'host', 'link-local addresses cannot be relays'],
    [
      'password authentication without a password',
      { authentication: { type: 'password', username: 'u' } },
      'authentication.password',
      'is required',
    ],
    [
      'an unknown authentication type',
      { authentication: { type: 'kerberos' } },
      'authentication.type',
      'type must be "none", "password" or "oauth2"',
    ],
    [
      'an OAuth service other than gmail and microsoft365',
      { authentication: { type: 'oauth2', service: 'yahoo', user: 'a@sakura.com' } },
      'authentication.service',
      'must be "gmail" or "microsoft365"',
    ],
    [
      'a CA certificate that is not PEM',
      { caCertificate: 'hello' },
      'caCertificate',
      'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)',
    ],
    ['an empty name', { name: '  ' }, 'name', 'must not be empty'],
    ['an unknown field', { colour: 'blue' }, '(body)', expect.stringContaining('colour')],
  ])('refuses %s with 400 naming the field', async (_what, over, field, message) => {
    const res = await t.call('POST', '/api/v1/relays', relayBody(domainId, over));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields[field]).toEqual(message);
  });

  it('names several wrong fields at once', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/relays',
      relayBody(domainId, { port: 2525, dailyLimit: 999999, host: '169.254.0.1' }),
    );
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['dailyLimit', 'host', 'port']);
  });

  it('keeps the password write-only and encrypted, in responses, the audit log and the logs', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/relays',
      relayBody(domainId, {
        name: 'auth',
        authentication: { type: 'password', username: 'crm@sakura.com', password: PASSWORD },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.authentication).toEqual({
      type: 'password',
      service: 'other',
      username: 'crm@sakura.com',
      passwordSet: true,
    });
    const row = await t.app.ctx.store.db
      .selectFrom('relays')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.auth_password_enc).toMatch(/^mr1\./);
    expect(t.app.ctx.secrets.decrypt(row.auth_password_enc!, `relay:${row.id}:password`)).toBe(PASSWORD);

    const patched = await t.call('PATCH', `/api/v1/relays/${res.body.id}`, {
      authentication: { type: 'password', username: 'other@sakura.com' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.authentication).toMatchObject({ username: 'other@sakura.com', passwordSet: true });
    const kept = await t.app.ctx.store.db
      .selectFrom('relays')
      .select('auth_password_enc')
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(t.app.ctx.secrets.decrypt(kept.auth_password_enc!, `relay:${row.id}:password`)).toBe(PASSWORD);

    const everything = JSON.stringify([
      (await t.call('GET', '/api/v1/relays')).body,
      (await t.call('GET', '/api/v1/audit-log?limit=500')).body,
      t.logs,
    ]);
    expect(everything).not.toContain(PASSWORD);
    await t.call('DELETE', `/api/v1/relays/${res.body.id}`);
  });

  it('warns (without refusing) about unusual port and security pairs and unverified certificates', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ port: 465, security: 'tls' }, 'port_465_starttls'],
      [{ port: 587, security: 'ssl' }, 'port_587_implicit_tls'],
      [{ port: 25, security: 'none' }, 'port_25_plaintext'],
      [{ verifyCertificate: false }, 'certificate_not_verified'],
    ];
    for (const [over, code] of cases) {
      const res = await t.call(
        'POST',
        '/api/v1/relays',
        relayBody(domainId, { ...over, authentication: { type: 'password', username: 'u', password: 'p' } }),
      );
      expect(res.status).toBe(201);
      expect(res.body.warnings.map((w: { code: string }) => w.code)).toEqual([code, 'domain_unverified']);
      await t.call('DELETE', `/api/v1/relays/${res.body.id}`);
    }
  });

  it('enforces the plan limit of relays per domain with 409 naming the limit; deleted relays free their place', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.call('POST', '/api/v1/relays', relayBody(domainId, { name: `limit ${i}` }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const fourth = await t.call('POST', '/api/v1/relays', relayBody(domainId, { name: 'limit 3' }));
    expect(fourth.status).toBe(409);
    expect(fourth.body.error).toMatchObject({
      code: 'limit_exceeded',
      message: expect.stringContaining('allows at most 3 relays per domain (maxRelaysPerDomain)'),
    });
    expect((await t.call('DELETE', `/api/v1/relays/${ids[0]}`)).status).toBe(204);
    const again = await t.call('POST', '/api/v1/relays', relayBody(domainId, { name: 'limit 3' }));
    expect(again.status).toBe(201);
    ids.push(again.body.id);
    for (const id of ids.slice(1)) await t.call('DELETE', `/api/v1/relays/${id}`);
  });

  it('lets different relays of one domain take different email types', async () => {
    const mass = await t.call(
      'POST',
      '/api/v1/relays',
      relayBody(domainId, { name: 'mass', emailTypes: ['mass'] }),
    );
    const wf = await t.call(
      'POST',
      '/api/v1/relays',
      relayBody(domainId, { name: 'workflow', emailTypes: ['workflow', 'individual'], priority: 2 }),
    );
    const list = (await t.call('GET', '/api/v1/relays')).body.items;
    expect(list.map((r: { name: string; emailTypes: string[] }) => [r.name, r.emailTypes])).toEqual([
      ['mass', ['mass']],
      ['workflow', ['workflow', 'individual']],
    ]);
    await t.call('DELETE', `/api/v1/relays/${mass.body.id}`);
    await t.call('DELETE', `/api/v1/relays/${wf.body.id}`);
  });

  it('changes fields with PATCH, validating the merged result', async () => {
    const r = (await t.call('POST', '/api/v1/relays', relayBody(domainId))).body;
    const ok = await t.call('PATCH', `/api/v1/relays/${r.id}`, {
      port: 465,
      security: 'ssl',
      emailTypes: ['mass', 'individual'],
      bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
      rateLimitPerMinute: 60,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      port: 465,
      security: 'ssl',
      emailTypes: ['mass', 'individual'],
      bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
      rateLimitPerMinute: 60,
      name: 'Server 1',
    });
    const bad = await t.call('PATCH', `/api/v1/relays/${r.id}`, {
      bounceHandling: { mode: 'address', address: 'bounce@elsewhere.example' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty(['bounceHandling.address']);
    expect((await t.call('PATCH', '/api/v1/relays/rly_missing', { port: 25 })).status).toBe(404);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('disables, enables and resumes a relay', async () => {
    const r = (await t.call('POST', '/api/v1/relays', relayBody(domainId))).body;
    expect((await t.call('POST', `/api/v1/relays/${r.id}/disable`)).body).toMatchObject({
      enabled: false,
      status: 'disabled',
    });
    expect((await t.call('POST', `/api/v1/relays/${r.id}/enable`)).body).toMatchObject({
      enabled: true,
      status: 'active',
    });

    const until = t.clock.now() + 3_600_000;
    await t.app.ctx.store.db
      .updateTable('relays')
      .set({ suspended_until: until, failure_count: 3 })
      .where('id', '=', r.id)
      .execute();
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body).toMatchObject({
      status: 'suspended',
      suspendedUntil: new Date(until).toISOString(),
    });
    expect((await t.call('POST', `/api/v1/relays/${r.id}/resume`)).body).toMatchObject({
      status: 'active',
      suspendedUntil: null,
    });
    const row = await t.app.ctx.store.db
      .selectFrom('relays')
      .select(['failure_count', 'suspended_until'])
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failure_count: 0, suspended_until: null });

    const actions = (await t.call('GET', '/api/v1/audit-log?limit=20')).body.items
      .filter((e: { target: { id: string } }) => e.target.id === r.id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(['relay.resume', 'relay.enable', 'relay.disable', 'relay.create']);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('deletes a relay but keeps its row for history, without its secrets', async () => {
    const r = (
      await t.call(
        'POST',
        '/api/v1/relays',
        relayBody(domainId, { authentication: { type: 'password', username: 'u', password: PASSWORD } }),
      )
    ).body;
    expect((await t.call('DELETE', `/api/v1/relays/${r.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).status).toBe(404);
    expect((await t.call('DELETE', `/api/v1/relays/${r.id}`)).status).toBe(404);
    const row = await t.app.ctx.store.db
      .selectFrom('relays')
      .selectAll()
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Server 1',
      enabled: 0,
      auth_password_enc: null,
      deleted_at: expect.any(Number),
    });
    const del = await t.call('DELETE', `/api/v1/domains/${domainId}`);
    expect(del.status).toBe(409);
  });

  it('refuses every change by a member or a send key with 403 (R1), and lets a member read', async () => {
    const r = (await t.call('POST', '/api/v1/relays', relayBody(domainId))).body;
    const member = await userSession(t, 'member');
    const sendKey = (await t.call('POST', '/api/v1/api-keys', { name: 's', role: 'send' })).body.key;
    const changes = [
      ['POST', '/api/v1/relays', relayBody(domainId)],
      ['PATCH', `/api/v1/relays/${r.id}`, { port: 25 }],
      ['DELETE', `/api/v1/relays/${r.id}`, undefined],
      ['POST', `/api/v1/relays/${r.id}/enable`, undefined],
      ['POST', `/api/v1/relays/${r.id}/disable`, undefined],
      ['POST', `/api/v1/relays/${r.id}/resume`, undefined],
    ] as const;
    for (const [m, p, b] of changes) {
      expect((await t.call(m, p, b, null, { cookie: member })).status, `member ${m} ${p}`).toBe(403);
      expect((await t.call(m, p, b, sendKey)).status, `send key ${m} ${p}`).toBe(403);
    }
    expect((await t.call('GET', '/api/v1/relays', undefined, null, { cookie: member })).status).toBe(200);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`, undefined, sendKey)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`, undefined, ADMIN_KEY)).body.status).toBe('active');
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it("shows today's usage from the org's day counter", async () => {
    const r = (await t.call('POST', '/api/v1/relays', relayBody(domainId))).body;
    // The test clock stands at 12:00 in Asia/Tokyo.
    await t.app.ctx.store.db
      .insertInto('usage_counters')
      .values({
        org_id: (await t.call('GET', '/api/auth/me')).body.orgId,
        day: tokyoDayAtNoon(t.clock.now()),
        scope: r.id,
        count: 42,
      })
      .execute();
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body.usageToday).toBe(42);
    t.clock.advance(12 * 3_600_000);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body.usageToday).toBe(0);
    t.clock.advance(-12 * 3_600_000);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });
});

describe('relay policy set by the operator', () => {
  it('accepts any port with MAILROUTE_RELAY_PORTS=any and refuses private and loopback hosts with public-only', async () => {
    const t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_RELAY_HOSTS: 'public-only',
    });
    try {
      const domainId = await newDomain(t, 'sakura.com');
      expect((await t.call('POST', '/api/v1/relays', relayBody(domainId, { port: 2525 }))).status).toBe(201);
      for (const [host, kind] of [
        ['10.1.2.3', 'private'],
        ['192.168.0.10', 'private'],
        ['127.0.0.1', 'loopback'],
        ['::1', 'loopback'],
        ['localhost', 'loopback'],
        ['fd00::25', 'private'],
      ]) {
        const res = await t.call('POST', '/api/v1/relays', relayBody(domainId, { host }));
        expect(res.status, host).toBe(400);
        expect(res.body.error.fields.host).toContain(`${kind} `);
      }
      expect(
        (await t.call('POST', '/api/v1/relays', relayBody(domainId, { host: '93.184.216.34' }))).status,
      ).toBe(201);
    } finally {
      await t.close();
    }
  });

  it('allows 5 relays per domain on the top plan', async () => {
    const t = await startTestApp('sqlite', { MAILROUTE_DEFAULT_PLAN: 'top' });
    try {
      const domainId = await newDomain(t, 'sakura.com');
      for (let i = 0; i < 5; i++)
        expect((await t.call('POST', '/api/v1/relays', relayBody(domainId, { name: `r${i}` }))).status).toBe(
          201,
        );
      const sixth = await t.call('POST', '/api/v1/relays', relayBody(domainId, { name: 'r5' }));
      expect(sixth.status).toBe(409);
      expect(sixth.body.error.message).toContain('the "top" plan allows at most 5 relays per domain');
    } finally {
      await t.close();
    }
  });
});
