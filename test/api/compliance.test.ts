/**
 * The bulk senders' compliance check (issue 17) against the loopback DNS server: the seed's case
 * (DKIM makes DMARC pass on the relay, the platform's return path fails SPF there), a domain
 * without DMARC, a relay without TLS, and the egress address with and without forward-confirmed
 * reverse DNS. TLS to a relay is found by a live connection: loopback relays that complete STARTTLS
 * with a verified certificate, with a self-signed one, that offer no STARTTLS, and that do not
 * answer. Each finding names its provider rule in Japanese and English.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverseName } from '../../src/domain/compliance.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer, testCertificates } from '../helpers/smtp-servers.js';

const DATACENTERS = join(import.meta.dirname, '..', 'fixtures', 'datacenters', 'auth-check.json');
const BOUNCE_DOMAIN = 'bounces.mailroute.test';
const EGRESS_IP = '127.0.100.1';
const PTR_NAME = '1.100.0.127.in-addr.arpa';

type Finding = {
  rule: string;
  route: string | null;
  status: string;
  providerRule: { ja: string; en: string };
  message: { ja: string; en: string };
  record?: { type: string; name: string; value: string };
};
const summary = (findings: Finding[]) =>
  findings.map((f) => `${f.status}:${f.rule}:${f.route ?? '-'}`).sort();

it('reverse names of IPv4 and IPv6 addresses', () => {
  expect(reverseName(EGRESS_IP)).toBe(PTR_NAME);
  expect(reverseName('2001:db8::1')).toBe(
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
  );
});

describe.each(dialects)('compliance check on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;

  async function domain(name: string, dmarc?: string) {
    const d = (await t.call('POST', '/api/v1/domains', { name })).body;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    await t.call('POST', `/api/v1/domains/${d.id}/verify`);
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    if (dmarc) dns.set(`_dmarc.${name}`, { TXT: [dmarc] });
    return d as { id: string };
  }
  async function relay(
    domainId: string,
    name: string,
    security: string,
    at: Record<string, unknown> = { host: 'smtp.relay-provider.test', port: 587 },
  ) {
    const res = await t.call('POST', '/api/v1/relays', {
      name,
      ...at,
      security,
      dailyLimit: 1000,
      domainId,
      emailTypes: ['mass'],
      authentication: { type: 'password', username: 'crm', password: 'relay-Pa55word' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const compliance = async (id: string) => {
    const res = await t.call('GET', `/api/v1/domains/${id}/compliance`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { routes: { name: string; dmarc: string }[]; findings: Finding[] };
  };

  beforeAll(async () => {
    dns = await startDnsServer({
      [BOUNCE_DOMAIN]: { TXT: ['v=spf1 ip4:127.0.100.0/24 ip6:2001:db8:100::/48 -all'] },
      'smtp.relay-provider.test': { A: ['127.0.2.10'] },
      '_spf.relay-provider.test': { TXT: ['v=spf1 ip4:127.0.2.0/24 -all'] },
      [PTR_NAME]: { PTR: ['out.mailroute.test'] },
      'out.mailroute.test': { A: [EGRESS_IP] },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DATACENTERS: DATACENTERS,
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
    await t?.close();
    await dns?.close();
  });

  it("seed case: DMARC passes on both routes, the relay's SPF fails with the platform's return path", async () => {
    const d = await domain('sakura.test', 'v=DMARC1; p=quarantine');
    dns.set('sakura.test', { TXT: ['v=spf1 include:_spf.relay-provider.test -all'] });
    await relay(d.id, 'Server', 'tls');
    const body = await compliance(d.id);
    expect(body.routes).toEqual([
      { name: 'platform', spf: 'pass', dmarc: 'pass' },
      { name: 'Server', spf: 'fail', dmarc: 'pass' },
    ]);
    expect(summary(body.findings)).toEqual(
      [
        'fail:spf:Server',
        'pass:dkim:-',
        'pass:dmarc_aligned:Server',
        'pass:dmarc_aligned:platform',
        'pass:dmarc_present:-',
        'pass:fcrdns:platform',
        'pass:spf:platform',
        // Set to STARTTLS, but nothing answers at 127.0.2.10:587, so TLS could not be looked at.
        'warn:tls:Server',
      ].sort(),
    );
    for (const f of body.findings) {
      expect(f.providerRule.en).toMatch(/Gmail/);
      expect(f.providerRule.ja).toMatch(/Gmail/);
      expect(f.message.ja.length).toBeGreaterThan(0);
    }
    // Failures come first.
    expect(body.findings[0]!.status).toBe('fail');
  });

  it('a domain without DMARC, a relay without TLS, and egress without reverse DNS', async () => {
    const d = await domain('nodmarc.test');
    dns.set('nodmarc.test', { TXT: ['v=spf1 include:_spf.relay-provider.test -all'] });
    await relay(d.id, 'Plain', 'none');
    dns.remove(PTR_NAME);
    const body = await compliance(d.id);
    const find = (rule: string, route: string | null = null) =>
      body.findings.find((f) => f.rule === rule && f.route === route)!;
    expect(find('dmarc_present')).toMatchObject({
      status: 'fail',
      record: { type: 'TXT', name: '_dmarc.nodmarc.test', value: 'v=DMARC1; p=none' },
    });
    expect(find('dmarc_present').message.en).toContain('_dmarc.nodmarc.test TXT "v=DMARC1; p=none"');
    expect(find('dmarc_present').message.ja).toContain('_dmarc.nodmarc.test');
    expect(find('dmarc_aligned', 'platform').status).toBe('fail');
    expect(find('tls', 'Plain').status).toBe('fail');
    expect(find('fcrdns', 'platform')).toMatchObject({
      status: 'fail',
      record: { type: 'PTR', name: PTR_NAME },
    });

    // A PTR whose name does not resolve back: the A record to publish.
    dns.set(PTR_NAME, { PTR: ['elsewhere.mailroute.test'] });
    const again = await compliance(d.id);
    expect(again.findings.find((f) => f.rule === 'fcrdns')).toMatchObject({
      status: 'fail',
      record: { type: 'A', name: 'elsewhere.mailroute.test', value: EGRESS_IP },
    });
    dns.set(PTR_NAME, { PTR: ['out.mailroute.test'] });
  });

  it('finds TLS to each relay by connecting: verified, self-signed, not offered', async () => {
    const certs = await testCertificates();
    const servers: TestSmtpServer[] = await Promise.all([
      startSmtpServer({ mode: 'starttls', certificate: 'valid' }),
      startSmtpServer({ mode: 'starttls', certificate: 'selfSigned' }),
      startSmtpServer({ mode: 'plain' }),
    ]);
    try {
      const [verified, selfSigned, plain] = servers as [TestSmtpServer, TestSmtpServer, TestSmtpServer];
      dns.set('relay.test', { A: ['127.0.0.1'] });
      const d = await domain('tls.test', 'v=DMARC1; p=none');
      const at = (s: TestSmtpServer, extra: Record<string, unknown> = {}) => ({
        host: 'relay.test',
        port: s.port,
        ...extra,
      });
      await relay(d.id, 'Verified', 'tls', at(verified, { caCertificate: certs.ca.cert }));
      await relay(d.id, 'SelfSigned', 'tls', at(selfSigned, { verifyCertificate: false }));
      await relay(d.id, 'NoStarttls', 'tls', at(plain));
      const body = await compliance(d.id);
      const tls = (route: string) => body.findings.find((f) => f.rule === 'tls' && f.route === route)!;
      expect(tls('Verified').status).toBe('pass');
      expect(tls('Verified').message.en).toMatch(/TLSv1\.[23]/);
      expect(tls('SelfSigned').status).toBe('warn');
      expect(tls('SelfSigned').message.ja).toContain('証明書を検証できません');
      expect(tls('NoStarttls').status).toBe('fail');
      expect(tls('NoStarttls').message.en).toMatch(/STARTTLS/);
      // The probe went through TLS and stopped before any mail: no message reached the relays.
      for (const s of servers) expect(s.received.messages).toEqual([]);

      // Asked for the records only (the Domains page), it connects to no relay at all.
      const before = servers.map((s) => s.connections());
      const quiet = await t.call('GET', `/api/v1/domains/${d.id}/compliance?relayTls=settings`);
      expect(quiet.status).toBe(200);
      expect(servers.map((s) => s.connections())).toEqual(before);
      expect(quiet.body.records.map((r: { record: string }) => r.record)).toEqual([
        'verification',
        'dkim',
        'spf',
        'dmarc',
      ]);
      expect(
        (await t.call('GET', `/api/v1/domains/${d.id}/compliance?relayTls=sometimes`)).body.error.fields,
      ).toHaveProperty('relayTls');
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('says of each record whether it is published: a verified domain without its DKIM record', async () => {
    const d = (await t.call('POST', '/api/v1/domains', { name: 'records.test' })).body;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    expect((await t.call('POST', `/api/v1/domains/${d.id}/verify`)).body.domain.verified).toBe(true);
    const records = async () =>
      (await t.call('GET', `/api/v1/domains/${d.id}/compliance`)).body.records as {
        record: string;
        status: string;
        name: string | null;
        failing?: { route: string; result: string }[];
      }[];
    expect(await records()).toEqual([
      { record: 'verification', status: 'ok', name: `_mailroute.records.test` },
      { record: 'dkim', status: 'missing', name: d.dkim.dnsRecord.name },
      { record: 'spf', status: 'ok', name: BOUNCE_DOMAIN },
      { record: 'dmarc', status: 'missing', name: '_dmarc.records.test' },
    ]);

    // Another key's record, then the right one; DMARC published; a relay on which SPF fails.
    dns.set(d.dkim.dnsRecord.name, {
      TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'],
    });
    expect((await records()).find((r) => r.record === 'dkim')?.status).toBe('mismatch');
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    dns.set('_dmarc.records.test', { TXT: ['v=DMARC1; p=none'] });
    await relay(d.id, 'Records relay', 'tls');
    const after = await records();
    expect(after.map((r) => `${r.record}:${r.status}`)).toEqual([
      'verification:ok',
      'dkim:ok',
      'spf:fail',
      'dmarc:ok',
    ]);
    expect(after.find((r) => r.record === 'spf')?.failing).toEqual([
      { route: 'Records relay', domain: BOUNCE_DOMAIN, result: 'fail' },
    ]);

    // A DNS server that fails: the records cannot be confirmed.
    dns.failing(true);
    const failed = await records();
    dns.failing(false);
    expect(failed.map((r) => `${r.record}:${r.status}`)).toEqual([
      'verification:missing',
      'dkim:missing',
      'spf:dns_error',
      'dmarc:dns_error',
    ]);
  });

  it("answers 404 for a domain that is not the org's", async () => {
    expect((await t.call('GET', '/api/v1/domains/dom_nothing/compliance')).status).toBe(404);
  });
});
