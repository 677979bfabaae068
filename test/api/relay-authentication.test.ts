import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDkimKey } from '../../src/dkim/keys.js';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { plansFile } from '../helpers/plans.js';

const DATACENTERS = join(import.meta.dirname, '..', 'fixtures', 'datacenters', 'auth-check.json');
const BOUNCE_DOMAIN = 'bounces.mailroute.test';
const EGRESS_IP = '127.0.100.1';
const RELAY_IP = '127.0.2.10';

type Finding = { severity: string; code: string; message: { ja: string; en: string }; record?: unknown };
const codes = (findings: Finding[]) => findings.map((f) => `${f.severity}:${f.code}`);

describe.each(dialects)('relay authentication check on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let seedRelay: string;
  let freshRelay: string;

  /** Adds a domain; publishes its verification record, its DKIM record (unless told) and DMARC. */
  async function domain(
    name: string,
    o: { dkim?: 'published' | 'absent' | 'other-key'; dmarc?: string } = {},
  ) {
    const res = await t.call('POST', '/api/v1/domains', { name });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const d = res.body;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    const dkim = o.dkim ?? 'published';
    if (dkim === 'published') dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    if (dkim === 'other-key')
      dns.set(d.dkim.dnsRecord.name, {
        TXT: [`v=DKIM1; k=rsa; p=${generateDkimKey('rsa-2048').publicKey}`],
      });
    if (o.dmarc) dns.set(`_dmarc.${name}`, { TXT: [o.dmarc] });
    return d as { id: string; dkim: { dnsRecord: { name: string; value: string } } };
  }

  async function relay(domainId: string, over: Record<string, unknown> = {}): Promise<string> {
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'Server',
      host: 'smtp.relay-provider.test',
      port: 587,
      security: 'tls',
      dailyLimit: 1000,
      domainId,
      emailTypes: ['workflow'],
      authentication: { type: 'password', username: 'crm', password: 'relay-Pa55word' },
      ...over,
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id;
  }

  const check = async (relayId: string) => {
    const res = await t.call('GET', `/api/v1/relays/${relayId}/authentication`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    dns = await startDnsServer({
      [BOUNCE_DOMAIN]: { TXT: ['v=spf1 ip4:127.0.100.0/24 ip6:2001:db8:100::/48 -all'] },
      'smtp.relay-provider.test': { A: [RELAY_IP] },
      '_spf.relay-provider.test': { TXT: ['v=spf1 ip4:127.0.2.0/24 -all'] },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DATACENTERS: DATACENTERS,
      // Each case adds its own domain: more than any built-in plan allows.
      MAILROUTE_PLANS: plansFile({
        name: 'checks',
        dailyLimit: 50_000,
        maxDomains: 20,
        maxRelaysPerDomain: 5,
      }),
      MAILROUTE_DEFAULT_PLAN: 'checks',
    });
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
  });

  it("seed case 1: the platform's return path fails SPF from the relay, and DKIM makes DMARC pass", async () => {
    const d = await domain('sakura.test', { dmarc: 'v=DMARC1; p=quarantine' });
    dns.set('sakura.test', { TXT: ['v=spf1 include:_spf.relay-provider.test -all'] });
    seedRelay = await relay(d.id);
    const body = await check(seedRelay);
    expect(body).toMatchObject({
      domain: 'sakura.test',
      returnPath: `bounces+*@${BOUNCE_DOMAIN}`,
      hops: [
        { from: 'platform', to: 'relay', spf: { result: 'pass', domain: BOUNCE_DOMAIN, ip: EGRESS_IP } },
        { from: 'relay', to: 'recipient', spf: { result: 'fail', domain: BOUNCE_DOMAIN, ip: RELAY_IP } },
      ],
      dkim: {
        signing: true,
        domain: 'sakura.test',
        aligned: true,
        record: { name: d.dkim.dnsRecord.name, found: true, valid: true },
      },
      dmarc: { record: 'v=DMARC1; p=quarantine', policy: 'quarantine', result: 'pass' },
      verification: { found: true },
    });
    expect(codes(body.findings)).toEqual([
      'info:spf_relay_hop_platform_return_path',
      'info:dmarc_pass',
      'info:relay_allow_list',
    ]);
    const explained = body.findings[0] as Finding;
    expect(explained.message.en).toContain('DKIM signing with sakura.test makes DMARC pass');
    expect(explained.message.ja).toContain('DKIM署名によりDMARCを満たします');
    expect(body.findings[1].message.en).toBe(
      'DMARC passes for sakura.test (DKIM), under its policy p=quarantine.',
    );
  });

  it('seed case 2: a return path on the relay’s domain whose SPF includes the relay passes SPF on both hops', async () => {
    const id = (await t.call('GET', '/api/v1/domains')).body.items.find(
      (x: { name: string }) => x.name === 'sakura.test',
    ).id;
    dns.set('sakura.test', {
      TXT: ['v=spf1 ip4:127.0.100.0/24 include:_spf.relay-provider.test -all'],
    });
    const body = await check(
      await relay(id, {
        bounceHandling: { mode: 'address', address: 'bounce@sakura.test' },
        dkimSigning: false,
      }),
    );
    expect(body.returnPath).toBe('bounce@sakura.test');
    expect(body.hops.map((h: { spf: object }) => h.spf)).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'sakura.test', ip: EGRESS_IP }),
      expect.objectContaining({ result: 'pass', domain: 'sakura.test', ip: RELAY_IP }),
    ]);
    expect(body.dkim).toMatchObject({ signing: false, domain: null, aligned: false });
    expect(body.dmarc.result).toBe('pass');
    expect(codes(body.findings)).toEqual([
      'warning:dkim_signing_off',
      'info:dmarc_pass',
      'info:relay_allow_list',
    ]);
    expect(body.findings[1].message.en).toContain('(SPF)');
  });

  it('a return path on the domain whose SPF lists the relay only: hop 1 fails, with the ranges to add', async () => {
    const d = await domain('spfonly.test', { dmarc: 'v=DMARC1; p=none' });
    dns.set('spfonly.test', { TXT: ['v=spf1 a:smtp.relay-provider.test -all'] });
    const body = await check(await relay(d.id, { bounceHandling: { mode: 'from' } }));
    expect(body.returnPath).toBe('*@spfonly.test');
    expect(body.hops.map((h: { spf: { result: string } }) => h.spf.result)).toEqual(['fail', 'pass']);
    const hop1 = body.findings.find((f: Finding) => f.code === 'spf_platform_hop');
    expect(hop1.severity).toBe('warning');
    expect(hop1.record).toEqual({
      type: 'TXT',
      name: 'spfonly.test',
      value: 'v=spf1 a:smtp.relay-provider.test ip4:127.0.100.0/24 ip6:2001:db8:100::/48 -all',
    });
    expect(body.dmarc.result).toBe('pass');
  });

  it('no DKIM record published: the exact record to publish, and DMARC fails without it', async () => {
    const d = await domain('nodkim.test', { dkim: 'absent', dmarc: 'v=DMARC1; p=quarantine' });
    const body = await check(await relay(d.id));
    expect(body.dkim).toMatchObject({
      signing: true,
      aligned: true,
      record: { name: d.dkim.dnsRecord.name, found: false, valid: false },
    });
    expect(body.dmarc).toMatchObject({ policy: 'quarantine', result: 'fail' });
    expect(codes(body.findings)).toEqual([
      'error:dkim_record_missing',
      'error:spf_relay_hop_platform_return_path',
      'error:dmarc_fail',
      'info:relay_allow_list',
    ]);
    const missing = body.findings[0] as Finding;
    expect(missing.record).toEqual({ type: 'TXT', ...d.dkim.dnsRecord });
    expect(missing.message.en).toContain(d.dkim.dnsRecord.value);
    expect(missing.message.ja).toContain(d.dkim.dnsRecord.value);
    expect(body.findings[2].message.en).toContain('receivers will put the mail in spam');
  });

  it('a wrong public key at the selector: found but not valid, replace it with the right value', async () => {
    const d = await domain('wrongkey.test', { dkim: 'other-key', dmarc: 'v=DMARC1; p=none' });
    const body = await check(await relay(d.id));
    expect(body.dkim.record).toMatchObject({ found: true, valid: false });
    expect(body.dmarc).toMatchObject({ policy: 'none', result: 'fail' });
    expect(codes(body.findings)).toEqual([
      'error:dkim_record_mismatch',
      'error:spf_relay_hop_platform_return_path',
      'warning:dmarc_fail',
      'info:relay_allow_list',
    ]);
    expect(body.findings[0].record.value).toBe(d.dkim.dnsRecord.value);
  });

  it('p=reject without alignment: DKIM off and the platform return path, so receivers reject', async () => {
    const d = await domain('strict.test', { dmarc: 'v=DMARC1; p=reject' });
    dns.set('strict.test', { TXT: ['v=spf1 -all'] });
    const body = await check(await relay(d.id, { dkimSigning: false, authentication: { type: 'none' } }));
    expect(body.hops[1].spf.result).toBe('fail');
    expect(body.dkim).toMatchObject({ signing: false, aligned: false });
    expect(body.dmarc).toEqual({ record: 'v=DMARC1; p=reject', policy: 'reject', result: 'fail' });
    expect(codes(body.findings)).toEqual([
      'error:dkim_signing_off',
      'error:spf_relay_hop_platform_return_path',
      'error:dmarc_fail',
      'warning:relay_allow_list',
    ]);
    expect(body.findings[2].message.en).toContain('receivers will reject the mail');
    expect(body.findings[3].ranges).toEqual(['127.0.100.0/24', '2001:db8:100::/48']);
  });

  it('an unverified domain, a relay host without addresses and no DMARC record: what to publish', async () => {
    const added = await t.call('POST', '/api/v1/domains', { name: 'fresh.test' });
    expect(added.status).toBe(201);
    const d = added.body;
    freshRelay = await relay(d.id, { host: 'gone.relay-provider.test' });
    const body = await check(freshRelay);
    expect(body.verification).toEqual({ record: d.verification, found: false });
    expect(body.hops[1].spf).toEqual({ result: 'none', domain: BOUNCE_DOMAIN, ip: null, record: null });
    expect(body.dmarc).toEqual({ record: null, policy: null, result: 'none' });
    expect(codes(body.findings)).toEqual([
      'error:domain_unverified',
      'error:dkim_record_missing',
      'error:relay_host_unresolved',
      'warning:dmarc_missing',
      'info:relay_allow_list',
    ]);
    expect(body.findings[0].record).toEqual(d.verification);
    expect(body.findings[0].message.en).toContain(`"${d.verification.value}"`);
    expect(body.findings[3].record).toEqual({
      type: 'TXT',
      name: '_dmarc.fresh.test',
      value: 'v=DMARC1; p=none',
    });

    dns.set(d.verification.name, { TXT: ['unrelated', d.verification.value] });
    const later = await check(freshRelay);
    expect(later.verification.found).toBe(true);
    expect(later.findings.find((f: Finding) => f.code === 'domain_unverified')).toMatchObject({
      severity: 'warning',
      message: { en: expect.stringContaining('verify the domain now') },
    });
  });

  it('says when lookups fail instead of reporting records as missing', async () => {
    dns.failing(true);
    try {
      const body = await check(seedRelay);
      expect(body.hops.map((h: { spf: { result: string } }) => h.spf.result)).toEqual([
        'temperror',
        'temperror',
      ]);
      expect(body.dmarc.result).toBe('temperror');
      const failed = body.findings.find((f: Finding) => f.code === 'dns_error');
      expect(failed.severity).toBe('warning');
      expect(failed.message.en).toContain('TXT _dmarc.sakura.test');
      expect(codes(body.findings)).toEqual(['warning:dns_error', 'info:relay_allow_list']);
    } finally {
      dns.failing(false);
    }
  });

  it('is readable by members; an unknown relay is 404', async () => {
    const relayId = seedRelay;
    const cookie = await userSession(t, 'member');
    const res = await t.call('GET', `/api/v1/relays/${relayId}/authentication`, undefined, null, { cookie });
    expect(res.status).toBe(200);
    expect(res.body.domain).toBe('sakura.test');
    const missing = await t.call('GET', '/api/v1/relays/rly_nope/authentication');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/v1/relays/{id}/authentication'].get;
    expect(JSON.stringify(op.responses['200'])).toContain('AuthenticationCheck');
    expect(doc.components.schemas.AuthenticationCheck.required).toEqual(
      expect.arrayContaining(['returnPath', 'hops', 'dkim', 'dmarc', 'findings']),
    );
  });
});
