/**
 * SPEC R15 end to end: mail of a domain without a DKIM key of its own, sent through platform
 * delivery to a loopback MX, carries the platform's signature (d=<bounce domain>), and that
 * signature verifies against exactly the record mailroute shows for the data center, published in
 * the loopback DNS server; with another key's record in its place it does not verify.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimRecordValue, generateDkimKey } from '../../src/dkim/keys.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { messageFor, until, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const BOUNCE_DOMAIN = 'bounces.lab.example';
const OTHER_BOUNCE_DOMAIN = 'bounces.lab2.example';

describe.each(dialects)('platform DKIM key on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;
  /** Admin key of an org in the second data center, whose platform key nobody has asked for yet. */
  let otherKey: string;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
    });
    mx = await startSmtpServer({ mode: 'plain' });
    const dcs = join(mkdtempSync(join(tmpdir(), 'mailroute-dc-')), 'dcs.json');
    writeFileSync(
      dcs,
      JSON.stringify([
        { id: 'lab', name: 'Lab', egress: ['127.0.0.0/8'], bounceDomain: BOUNCE_DOMAIN },
        { id: 'lab2', name: 'Lab 2', egress: ['127.0.0.0/8'], bounceDomain: OTHER_BOUNCE_DOMAIN },
      ]),
    );
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DATACENTERS: dcs,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    const org = await createOrg(t.app.ctx, { name: 'lab2-org', datacenter: 'lab2' });
    const actor = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' } as const;
    otherKey = (await createApiKey(t.app.ctx, actor, { name: 'lab2 admin', role: 'admin' })).key;
    await addDomainWithoutKey('sakura.com');
    await addDomainWithoutKey('othermail.example', otherKey);
  });

  /**
   * The API gives every new domain a key; a domain without one (its key removed) is what makes
   * platform delivery fall back to the platform's key.
   */
  async function addDomainWithoutKey(name: string, key?: string) {
    const d = (await t.call('POST', '/api/v1/domains', { name }, key)).body;
    await t.app.ctx.store.db.deleteFrom('dkim_keys').where('domain_id', '=', d.id).execute();
    expect((await t.call('GET', `/api/v1/domains/${d.id}`, undefined, key)).body.dkim).toBeNull();
  }

  afterAll(async () => {
    await t?.close();
    await dns?.close();
    await mx?.close();
  });

  /** Sends one message as the org of `key` and returns it as the MX received it. */
  async function sendOne(from = 'amelia@sakura.com', key?: string): Promise<Buffer> {
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      {
        type: 'individual',
        from,
        to: ['someone@example.net'],
        subject: 'Signed by the platform',
        text: 'hi',
      },
      key,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const d = await until(async () => {
      const detail = await t.call('GET', `/api/v1/messages/${res.body.id}`, undefined, key);
      const delivery = detail.body.deliveries[0];
      return ['queued', 'sending'].includes(delivery.status) ? undefined : delivery;
    });
    expect(d).toMatchObject({ status: 'sent', route: 'platform' });
    return messageFor(mx, d.id)!;
  }

  it('signs with the key whose record the API shows, and the signature verifies against it', async () => {
    const shown = await t.call('GET', '/api/v1/datacenters/lab/dkim');
    expect(shown.status).toBe(200);
    const record = shown.body.dnsRecord;
    expect(record.name).toBe(`${shown.body.selector}._domainkey.${BOUNCE_DOMAIN}`);
    dns.set(record.name, { TXT: [record.value] });

    const raw = await sendOne();
    expect(raw.toString()).toMatch(new RegExp(`d=${BOUNCE_DOMAIN.replace(/\./g, '\\.')};`));
    expect(raw.toString()).toContain(`s=${shown.body.selector};`);
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: BOUNCE_DOMAIN, result: 'pass' }]);

    // The same message against another key's record at that name: the signature does not verify.
    dns.set(record.name, { TXT: [dkimRecordValue('rsa-2048', generateDkimKey('rsa-2048').publicKey)] });
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: BOUNCE_DOMAIN, result: 'fail' }]);
    dns.set(record.name, { TXT: [record.value] });
  });

  it('shows the key the signer made, when the mail came before anyone read the record', async () => {
    expect(
      await t.app.ctx.store.db
        .selectFrom('platform_keys')
        .select('domain')
        .where('domain', '=', OTHER_BOUNCE_DOMAIN)
        .execute(),
    ).toEqual([]);
    const raw = await sendOne('patricia@othermail.example', otherKey);
    const shown = (await t.call('GET', '/api/v1/datacenters/lab2/dkim', undefined, otherKey)).body;
    expect(shown.domain).toBe(OTHER_BOUNCE_DOMAIN);
    expect(raw.toString()).toContain(`s=${shown.selector};`);
    dns.set(shown.dnsRecord.name, { TXT: [shown.dnsRecord.value] });
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: OTHER_BOUNCE_DOMAIN, result: 'pass' }]);
    // Each data center has its own key: the first one's record does not verify this signature.
    const first = (await t.call('GET', '/api/v1/datacenters/lab/dkim')).body;
    expect(first.dnsRecord.value).not.toBe(shown.dnsRecord.value);
    dns.set(shown.dnsRecord.name, { TXT: [first.dnsRecord.value] });
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: OTHER_BOUNCE_DOMAIN, result: 'fail' }]);
  });
});
