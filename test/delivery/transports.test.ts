import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { messageFor, settled, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type FakeProvider, startFakeProvider } from '../helpers/oauth-provider.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe('transports', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;
  let relay: TestSmtpServer;
  let provider: FakeProvider;
  const remoteAddresses: string[] = [];
  let domainId: string;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
      'nomx.example': { A: ['127.0.0.1'] },
      // A link-local IPv6 address without a zone cannot be connected to at all: even a mailroute
      // that skipped the host policy would send no packet anywhere.
      'linklocal.example': { MX: [{ exchange: 'mx.linklocal.example', priority: 10 }] },
      'mx.linklocal.example': { AAAA: ['fe80::1'] },
    });
    mx = await startSmtpServer({ mode: 'starttls' });
    provider = await startFakeProvider('cid', 'csecret');
    const dcs = join(mkdtempSync(join(tmpdir(), 'mailroute-dc-')), 'dcs.json');
    writeFileSync(
      dcs,
      JSON.stringify([
        {
          id: 'lab',
          name: 'Lab',
          egress: ['127.0.0.0/8'],
          bounceDomain: 'bounces.lab.example',
          egressAddress: '127.0.0.2',
        },
      ]),
    );
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DATACENTERS: dcs,
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_OAUTH_GMAIL_CLIENT_ID: 'cid',
      MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET: 'csecret',
      MAILROUTE_OAUTH_GMAIL_AUTH_URL: provider.authUrl,
      MAILROUTE_OAUTH_GMAIL_TOKEN_URL: provider.tokenUrl,
    });
    const d = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com', dkimAlgorithm: 'ed25519' }))
      .body;
    domainId = d.id;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    await t.call('POST', `/api/v1/domains/${d.id}/verify`);
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
    await mx.close();
    await relay?.close();
    await provider.close();
  });

  const send = async (to: string, type = 'individual') =>
    (
      await t.call('POST', '/api/v1/messages', {
        type,
        from: 'amelia@sakura.com',
        to: [to],
        subject: 'direct',
        text: 'hello',
      })
    ).body;

  it("delivers directly to the MX host found through mailroute's resolver, signed with the Ed25519 domain key", async () => {
    const msg = await send('someone@example.net');
    const d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'sent', route: 'platform' });
    expect(d.attempts[0].host).toBe(`127.0.0.1:${mx.port}`);
    const raw = messageFor(mx, d.id)!;
    expect(raw.toString()).toMatch(/a=ed25519-sha256/);
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    expect(mx.received.mailFrom.at(-1)).toMatch(/^bounces\+[a-z2-7]+-[a-z2-7]+@bounces\.lab\.example$/);
  });

  it("falls back to the domain's own address when it has no MX", async () => {
    const msg = await send('someone@nomx.example');
    expect((await settled(t, msg.id)).deliveries[0]).toMatchObject({ status: 'sent', route: 'platform' });
  });

  it('bounces a recipient whose domain has no mail server at all', async () => {
    const msg = await send('someone@nowhere.example');
    expect((await settled(t, msg.id)).deliveries[0]).toMatchObject({
      status: 'bounced',
      lastStatus: '5.1.2',
    });
  });

  it('never tries a link-local MX address, even when private and loopback ones are allowed', async () => {
    const msg = await send('someone@linklocal.example');
    const d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'bounced', lastStatus: '5.4.4' });
    expect(d.attempts).toEqual([
      expect.objectContaining({
        route: 'platform',
        host: null,
        action: 'bounce',
        ruleId: 'mx.address-refused',
      }),
    ]);
    expect(d.attempts[0].reply).toContain('mx.linklocal.example fe80::1 (link-local)');
    expect(d.attempts[0].reply).toContain('MAILROUTE_RELAY_HOSTS=any');
  });

  it("sends through an OAuth2 relay with XOAUTH2, from the data center's egress address", async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'gmail',
        host: '127.0.0.1',
        port: 1,
        security: 'none',
        dailyLimit: 10,
        domainId,
        emailTypes: ['workflow'],
        authentication: { type: 'oauth2', service: 'gmail', user: 'crm@sakura.com' },
      })
    ).body;
    const { code, state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${r.id}/oauth/start`)).body.url,
    );
    await fetch(`${t.url}/api/v1/oauth/callback?code=${code}&state=${state}`, { redirect: 'manual' });
    relay = await startSmtpServer({
      mode: 'plain',
      auth: { username: 'crm@sakura.com', password: 'unused', accessToken: provider.accessTokens.at(-1)! },
      extra: {
        onConnect(session, cb) {
          remoteAddresses.push(session.remoteAddress);
          cb();
        },
      },
    });
    await t.call('PATCH', `/api/v1/relays/${r.id}`, { port: relay.port });
    const msg = await send('oauth@example.net', 'workflow');
    const d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'sent', route: r.id });
    expect(relay.received.auth.at(-1)).toMatchObject({ method: 'XOAUTH2', ok: true });
    expect(remoteAddresses.at(-1)).toBe('127.0.0.2');
  });
});

describe('direct MX delivery under MAILROUTE_RELAY_HOSTS=public-only', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let sink: TestSmtpServer;

  beforeAll(async () => {
    dns = await startDnsServer({
      'inside.example': { MX: [{ exchange: 'mx.inside.example', priority: 10 }] },
      'mx.inside.example': { A: ['127.0.0.1'] },
    });
    sink = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(sink.port),
      MAILROUTE_RELAY_HOSTS: 'public-only',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
    await sink.close();
  });

  it('refuses an MX that resolves to a loopback address: no connection, a permanent failure naming the policy', async () => {
    const msg = (
      await t.call('POST', '/api/v1/messages', {
        type: 'individual',
        from: 'amelia@sakura.com',
        to: ['someone@inside.example'],
        subject: 'inside',
        text: 'hello',
      })
    ).body;
    const d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'bounced', route: 'platform', lastStatus: '5.4.4' });
    // The host policy's refusal is mailroute's own: no bounce is recorded, nothing is suppressed.
    expect(d.bounces).toEqual([]);
    expect((await t.call('GET', '/api/v1/suppressions?address=someone%40inside.example')).body.items).toEqual(
      [],
    );
    expect(d.attempts).toEqual([
      expect.objectContaining({
        route: 'platform',
        host: null,
        action: 'bounce',
        ruleId: 'mx.address-refused',
      }),
    ]);
    expect(d.attempts[0].reply).toBe(
      '550 5.4.4 no allowed MX address for inside.example: mx.inside.example 127.0.0.1 (loopback) refused by the host policy (MAILROUTE_RELAY_HOSTS=public-only)',
    );
    expect(sink.connections()).toBe(0);
    expect(sink.received.rcptTo).toEqual([]);
  });
});
