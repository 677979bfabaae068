/**
 * `GET /api/v1/datacenters/:id/dkim` (SPEC R15): the public record of the platform's DKIM key of a
 * data center. Any signed-in role reads it, the same for every org (it is platform data), nobody
 * reads it signed out; it is the key platform delivery signs with, even when the record is asked
 * for while the signer is making the key.
 */
import { createPublicKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/delivery/signing-keys.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const fixture = fileURLToPath(new URL('../fixtures/datacenters/seed.json', import.meta.url));

/** The `p=` value of the public half of a PEM private key (RSA: SPKI DER, base64). */
const publicOf = (privateKeyPem: string) =>
  createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');

describe.each(dialects)('platform DKIM record API on %s', (dialect) => {
  let t: TestApp;
  let sendKey: string;
  let memberCookie: string;
  /** Admin key of an org in the India data center (org `default` is in Japan). */
  let indiaKey: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_DATACENTERS: fixture });
    sendKey = (await t.call('POST', '/api/v1/api-keys', { name: 'crm', role: 'send' })).body.key;
    memberCookie = await userSession(t, 'member');
    const org = await createOrg(t.app.ctx, { name: 'india-org', datacenter: 'in' });
    const actor = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' } as const;
    indiaKey = (await createApiKey(t.app.ctx, actor, { name: 'india admin', role: 'admin' })).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the selector, algorithm and TXT record of the data center’s bounce domain', async () => {
    const res = await t.call('GET', '/api/v1/datacenters/jp/dkim');
    expect(res.status).toBe(200);
    const { selector } = res.body;
    expect(selector).toMatch(/^mr\d{8}[0-9a-f]{4}$/);
    expect(res.body).toMatchObject({
      dataCenter: 'jp',
      domain: 'bounces.jp.mailroute.example',
      algorithm: 'rsa-2048',
      dnsRecord: { type: 'TXT', name: `${selector}._domainkey.bounces.jp.mailroute.example` },
    });
    expect(res.body.dnsRecord.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE KEY/);
  });

  it('publishes the public half of the key platform delivery signs with', async () => {
    const shown = (await t.call('GET', '/api/v1/datacenters/jp/dkim')).body;
    const signing = await new SigningKeys(t.app.ctx).platformKey('bounces.jp.mailroute.example');
    expect(signing.selector).toBe(shown.selector);
    expect(shown.dnsRecord.value).toBe(`v=DKIM1; k=rsa; p=${publicOf(signing.privateKeyPem)}`);
  });

  it('gives one key to readers and signers that ask at the same time', async () => {
    const signers = [new SigningKeys(t.app.ctx), new SigningKeys(t.app.ctx)];
    const [a, b, c, s1, s2] = await Promise.all([
      t.call('GET', '/api/v1/datacenters/us/dkim'),
      t.call('GET', '/api/v1/datacenters/us/dkim', undefined, sendKey),
      t.call('GET', '/api/v1/datacenters/us/dkim', undefined, indiaKey),
      signers[0]!.platformKey('bounces.us.mailroute.example'),
      signers[1]!.platformKey('bounces.us.mailroute.example'),
    ]);
    expect(b!.body).toEqual(a!.body);
    expect(c!.body).toEqual(a!.body);
    for (const s of [s1!, s2!]) {
      expect(s.selector).toBe(a!.body.selector);
      expect(a!.body.dnsRecord.value).toBe(`v=DKIM1; k=rsa; p=${publicOf(s.privateKeyPem)}`);
    }
    const rows = await t.app.ctx.store.db
      .selectFrom('platform_keys')
      .select('selector')
      .where('domain', '=', 'bounces.us.mailroute.example')
      .execute();
    expect(rows).toEqual([{ selector: a!.body.selector }]);
  });

  it('lets every role of every org read it, the same record for all', async () => {
    const admin = await t.call('GET', '/api/v1/datacenters/jp/dkim');
    const member = await t.call('GET', '/api/v1/datacenters/jp/dkim', undefined, null, {
      cookie: memberCookie,
    });
    const send = await t.call('GET', '/api/v1/datacenters/jp/dkim', undefined, sendKey);
    const otherOrg = await t.call('GET', '/api/v1/datacenters/jp/dkim', undefined, indiaKey);
    for (const res of [member, send, otherOrg]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(admin.body);
    }
    const india = (await t.call('GET', '/api/v1/datacenters/in/dkim', undefined, indiaKey)).body;
    expect(india.domain).toBe('bounces.in.mailroute.example');
    expect(india.dnsRecord.value).not.toBe(admin.body.dnsRecord.value);
  });

  it('needs a signed-in principal, and answers 404 for an unknown data center', async () => {
    const anonymous = await t.call('GET', '/api/v1/datacenters/jp/dkim', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect(JSON.stringify(anonymous.body)).not.toContain('DKIM1');
    const wrongKey = await t.call('GET', '/api/v1/datacenters/jp/dkim', undefined, 'mr_not-a-key-at-all');
    expect(wrongKey.status).toBe(401);
    const mars = await t.call('GET', '/api/v1/datacenters/mars/dkim');
    expect(mars.status).toBe(404);
    expect(mars.body.error.message).toBe('data center "mars" not found');
    const rows = await t.app.ctx.store.db.selectFrom('platform_keys').select('domain').execute();
    expect(rows.map((r) => r.domain).sort()).toEqual([
      'bounces.in.mailroute.example',
      'bounces.jp.mailroute.example',
      'bounces.us.mailroute.example',
    ]);
  });

  it('is described in the OpenAPI document with its schema', async () => {
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
    const op = doc.paths['/api/v1/datacenters/{id}/dkim'].get;
    expect(JSON.stringify(op.responses['200'])).toContain('PlatformDkimKey');
    expect(Object.keys(doc.components.schemas.PlatformDkimKey.properties)).toEqual([
      'dataCenter',
      'domain',
      'selector',
      'algorithm',
      'dnsRecord',
      'createdAt',
    ]);
  });
});
