import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMasterKey } from '../../src/secrets/master-key.js';
import { createSecrets } from '../../src/secrets/secrets.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

describe.each(dialects)('domains API on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer();
    t = await startTestApp(dialect, { MAILROUTE_DNS_SERVERS: dns.address });
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  it('adds a domain, normalized, with its verification record and an RSA DKIM key to publish', async () => {
    const res = await t.call('POST', '/api/v1/domains', { name: ' Sakura.COM. ' });
    expect(res.status).toBe(201);
    const d = res.body;
    expect(d).toMatchObject({ name: 'sakura.com', verified: false, verifiedAt: null, dkimPending: null });
    expect(d.verification).toEqual({
      type: 'TXT',
      name: '_mailroute.sakura.com',
      value: expect.stringMatching(/^mailroute-verification=[\w-]{24}$/),
    });
    expect(d.dkim.algorithm).toBe('rsa-2048');
    expect(d.dkim.status).toBe('active');
    expect(d.dkim.dnsRecord.name).toBe(`${d.dkim.selector}._domainkey.sakura.com`);
    expect(d.dkim.dnsRecord.value).toMatch(
      /^v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[\w+/=]+$/,
    );
    expect(JSON.stringify(d)).not.toMatch(/PRIVATE KEY/);
    expect((await t.call('GET', `/api/v1/domains/${d.id}`)).body).toEqual(d);
    expect(
      (await t.call('GET', '/api/v1/domains')).body.items.map((x: { name: string }) => x.name),
    ).toContain('sakura.com');
  });

  it('keeps the private key encrypted at rest, bound to its record', async () => {
    const row = await t.app.ctx.store.db.selectFrom('dkim_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.private_key_enc).toMatch(/^mr1\./);
    const secrets = createSecrets(loadMasterKey(undefined, t.dataDir).key);
    expect(secrets.decrypt(row.private_key_enc, `dkim:${row.id}:private_key`)).toContain('BEGIN PRIVATE KEY');
  });

  it('makes Ed25519 keys on request, internationalized names in ASCII form', async () => {
    const res = await t.call('POST', '/api/v1/domains', { name: '例え.jp', dkimAlgorithm: 'ed25519' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('xn--r8jz45g.jp');
    expect(res.body.dkim.dnsRecord.value).toMatch(/^v=DKIM1; k=ed25519; p=[\w+/]{43}=$/);
  });

  it.each([
    ['not a domain', { name: 'not a domain' }, 'name'],
    ['an address', { name: 'user@sakura.com' }, 'name'],
    ['a single label', { name: 'localhost' }, 'name'],
    ['an unknown algorithm', { name: 'ok.example', dkimAlgorithm: 'dsa' }, 'dkimAlgorithm'],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const res = await t.call('POST', '/api/v1/domains', body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
  });

  it('refuses a domain the org already has with 409', async () => {
    const res = await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', fields: { name: 'already exists' } });
  });

  it('verifies ownership only once the TXT record is published', async () => {
    const d = (await t.call('POST', '/api/v1/domains', { name: 'verify.example' })).body;
    const before = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    expect(before.status).toBe(200);
    expect(before.body.domain.verified).toBe(false);
    expect(before.body.checks[0]).toMatchObject({ record: 'verification', found: false });

    dns.set(d.verification.name, { TXT: ['v=spf1 -all', d.verification.value] });
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    const after = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    expect(after.body.domain).toMatchObject({ verified: true, verifiedAt: expect.any(String) });
    expect(after.body.checks).toEqual([
      expect.objectContaining({ record: 'verification', found: true }),
      expect.objectContaining({ record: 'dkim', found: true, detail: 'DKIM record publishes this key' }),
    ]);
    const audit = (await t.call('GET', '/api/v1/audit-log?action=domain.verified')).body.items;
    expect(audit.some((e: { target: { id: string } }) => e.target.id === d.id)).toBe(true);
  });

  it('reports a failing DNS server instead of pretending the record is absent', async () => {
    const d = (await t.call('POST', '/api/v1/domains', { name: 'servfail.example' })).body;
    dns.failing(true);
    try {
      const res = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
      expect(res.body.domain.verified).toBe(false);
      expect(res.body.checks[0].detail).toMatch(/DNS lookup of TXT _mailroute\.servfail\.example failed/);
    } finally {
      dns.failing(false);
    }
  });

  it('rotates DKIM: the new key waits for its record while the old one keeps signing', async () => {
    const list = (await t.call('GET', '/api/v1/domains')).body.items;
    const d = list.find((x: { name: string }) => x.name === 'verify.example');
    const rotated = await t.call('POST', `/api/v1/domains/${d.id}/dkim`, { algorithm: 'ed25519' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.dkim.selector).toBe(d.dkim.selector);
    expect(rotated.body.dkimPending).toMatchObject({ algorithm: 'ed25519', status: 'pending' });
    expect(rotated.body.dkimPending.selector).not.toBe(d.dkim.selector);

    const unpublished = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    expect(unpublished.body.domain.dkim.selector).toBe(d.dkim.selector);
    expect(unpublished.body.checks.find((c: { record: string }) => c.record === 'dkimPending')).toMatchObject(
      { found: false },
    );

    dns.set(rotated.body.dkimPending.dnsRecord.name, { TXT: [rotated.body.dkimPending.dnsRecord.value] });
    const published = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    expect(published.body.domain.dkim).toMatchObject({
      selector: rotated.body.dkimPending.selector,
      algorithm: 'ed25519',
      status: 'active',
    });
    expect(published.body.domain.dkimPending).toBeNull();
  });

  it('says when a DKIM record is published with another key', async () => {
    const d = (await t.call('POST', '/api/v1/domains', { name: 'wrongkey.example' })).body;
    dns.set(d.dkim.dnsRecord.name, {
      TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong'],
    });
    const res = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    expect(res.body.checks.find((c: { record: string }) => c.record === 'dkim')).toMatchObject({
      found: false,
      detail: 'a DKIM record is published but not with this key',
    });
  });

  it('enforces the plan limit on domains with 409 naming the limit', async () => {
    const count = (await t.call('GET', '/api/v1/domains')).body.items.length;
    for (let i = count; i < 5; i++)
      expect((await t.call('POST', '/api/v1/domains', { name: `fill${i}.example` })).status).toBe(201);
    const res = await t.call('POST', '/api/v1/domains', { name: 'one-too-many.example' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('limit_exceeded');
    expect(res.body.error.message).toBe('the "standard" plan allows at most 5 domains (maxDomains)');
  });

  it('deletes a domain without relays, and the limit frees up', async () => {
    const list = (await t.call('GET', '/api/v1/domains')).body.items;
    const d = list.find((x: { name: string }) => x.name === 'fill4.example') ?? list.at(-1);
    expect((await t.call('DELETE', `/api/v1/domains/${d.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/domains/${d.id}`)).status).toBe(404);
    expect((await t.call('POST', '/api/v1/domains', { name: 'one-more.example' })).status).toBe(201);
  });

  it('refuses every change to a send key with 403, and lets it read nothing of domains', async () => {
    const key = (await t.call('POST', '/api/v1/api-keys', { name: 's', role: 'send' })).body.key;
    expect((await t.call('POST', '/api/v1/domains', { name: 'x.example' }, key)).status).toBe(403);
    const id = (await t.call('GET', '/api/v1/domains')).body.items[0].id;
    for (const [m, p] of [
      ['DELETE', `/api/v1/domains/${id}`],
      ['POST', `/api/v1/domains/${id}/verify`],
      ['POST', `/api/v1/domains/${id}/dkim`],
    ] as const) {
      expect((await t.call(m, p, undefined, key)).status, `${m} ${p}`).toBe(403);
    }
  });
});

describe('domains with verification off', () => {
  it('count as verified when added', async () => {
    const t = await startTestApp('sqlite', { MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    try {
      const res = await t.call('POST', '/api/v1/domains', { name: 'owned.example' });
      expect(res.body.verified).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('domains on the top plan', () => {
  it('allows 5 domains, as every built-in plan does', async () => {
    const t = await startTestApp('sqlite', { MAILROUTE_DEFAULT_PLAN: 'top' });
    try {
      for (let i = 0; i < 5; i++)
        expect(
          (await t.call('POST', '/api/v1/domains', { name: `top${i}.example`, dkimAlgorithm: 'ed25519' }))
            .status,
        ).toBe(201);
      const sixth = await t.call('POST', '/api/v1/domains', {
        name: 'top5.example',
        dkimAlgorithm: 'ed25519',
      });
      expect(sixth.status).toBe(409);
      expect(sixth.body.error).toMatchObject({
        code: 'limit_exceeded',
        message: 'the "top" plan allows at most 5 domains (maxDomains)',
      });
    } finally {
      await t.close();
    }
  });
});
