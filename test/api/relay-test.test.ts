import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type FakeProvider, startFakeProvider } from '../helpers/oauth-provider.js';
import { startSmtpServer, type TestSmtpServer, testCertificates } from '../helpers/smtp-servers.js';

const USER = 'crm@sakura.com';
const PASSWORD = 'relay-Pa55word';

describe.each(dialects)('relay test connection over the API on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let starttls: TestSmtpServer;
  let domainId: string;
  let ca: string;

  beforeAll(async () => {
    ca = (await testCertificates()).ca.cert;
    dns = await startDnsServer({ 'relay.test': { A: ['127.0.0.1'] } });
    starttls = await startSmtpServer({
      mode: 'starttls',
      certificate: 'selfSigned',
      auth: { username: USER, password: PASSWORD },
    });
    t = await startTestApp(dialect, { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DNS_SERVERS: dns.address });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    await t.close();
    await starttls.close();
    await dns.close();
  });

  const config = (over: Record<string, unknown> = {}) => ({
    name: 'test',
    host: 'relay.test',
    port: starttls.port,
    security: 'tls',
    dailyLimit: 10,
    domainId,
    emailTypes: ['workflow'],
    authentication: { type: 'password', username: USER, password: PASSWORD },
    ...over,
  });

  it("tests an unsaved configuration step by step, resolving the host through mailroute's resolver", async () => {
    const res = await t.call('POST', '/api/v1/relays/test', config({ verifyCertificate: false }));
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.steps.map((s: { step: string }) => s.step)).toEqual([
      'dns',
      'tcp',
      'tls',
      'ehlo',
      'auth',
      'mail',
    ]);
    const tls = res.body.steps.find((s: { step: string }) => s.step === 'tls');
    expect(tls.certificate.verdict).toBe('self-signed');
    expect(tls.explanation.en).toBeTruthy();
    expect(starttls.received.mailFrom.at(-1)).toBe('catchall@bounces.mailroute.localhost');
    expect(starttls.received.commands).not.toContain('RCPT');
    expect(starttls.received.commands).not.toContain('DATA');
  });

  it('explains a wrong password in both languages', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/relays/test',
      config({
        verifyCertificate: false,
        authentication: { type: 'password', username: USER, password: 'wrong' },
      }),
    );
    expect(res.body.ok).toBe(false);
    const auth = res.body.steps.at(-1);
    expect(auth).toMatchObject({ step: 'auth', ok: false, reply: expect.stringMatching(/^535/) });
    expect(auth.explanation.ja).toMatch(/パスワード/);
    expect(auth.explanation.en).toMatch(/password/i);
  });

  it('tests a saved relay with its stored password, and a certificate pinned with caCertificate', async () => {
    const { cert } = (await testCertificates()).selfSigned;
    const relay = await t.call('POST', '/api/v1/relays', config({ caCertificate: cert }));
    expect(relay.status).toBe(201);
    const res = await t.call('POST', `/api/v1/relays/${relay.body.id}/test`);
    expect(res.body.ok).toBe(true);
    expect(res.body.steps.find((s: { step: string }) => s.step === 'auth')).toMatchObject({ ok: true });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    await t.call('DELETE', `/api/v1/relays/${relay.body.id}`);
  });

  it('refuses a certificate it cannot verify and sends no credentials', async () => {
    const before = starttls.received.auth.length;
    const res = await t.call('POST', '/api/v1/relays/test', config({ caCertificate: ca }));
    expect(res.body.ok).toBe(false);
    expect(res.body.steps.at(-1)).toMatchObject({ step: 'tls', ok: false });
    expect(starttls.received.auth.length).toBe(before);
  });

  it('validates the configuration like a save would', async () => {
    const res = await t.call('POST', '/api/v1/relays/test', { ...config(), port: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('port');
  });

  it('refuses members and send keys', async () => {
    const key = (await t.call('POST', '/api/v1/api-keys', { name: 's', role: 'send' })).body.key;
    expect((await t.call('POST', '/api/v1/relays/test', config(), key)).status).toBe(403);
  });
});

describe('relay test connection with OAuth2 and the public-only policy', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let provider: FakeProvider;
  let server: TestSmtpServer;
  beforeAll(async () => {
    provider = await startFakeProvider('cid', 'csecret');
    dns = await startDnsServer({ 'relay.test': { A: ['127.0.0.1'] } });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_OAUTH_MICROSOFT365_CLIENT_ID: 'cid',
      MAILROUTE_OAUTH_MICROSOFT365_CLIENT_SECRET: 'csecret',
      MAILROUTE_OAUTH_MICROSOFT365_AUTH_URL: provider.authUrl,
      MAILROUTE_OAUTH_MICROSOFT365_TOKEN_URL: provider.tokenUrl,
    });
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
    await dns.close();
    await server?.close();
  });

  it('signs in with XOAUTH2 using the access token from the sign-in flow', async () => {
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = (
      await t.call('POST', '/api/v1/relays', {
        name: 'm365',
        host: 'relay.test',
        port: 1,
        security: 'tls',
        verifyCertificate: false,
        dailyLimit: 10,
        domainId,
        emailTypes: ['individual'],
        authentication: { type: 'oauth2', service: 'microsoft365', user: USER },
      })
    ).body;
    const notSignedIn = await t.call('POST', `/api/v1/relays/${relay.id}/test`);
    expect(notSignedIn.status).toBe(409);
    const { code, state } = provider.consent(
      (await t.call('POST', `/api/v1/relays/${relay.id}/oauth/start`)).body.url,
    );
    await fetch(`${t.url}/api/v1/oauth/callback?code=${code}&state=${state}`, { redirect: 'manual' });
    server = await startSmtpServer({
      mode: 'starttls',
      auth: { username: USER, password: 'unused', accessToken: provider.accessTokens.at(-1)! },
    });
    await t.call('PATCH', `/api/v1/relays/${relay.id}`, { port: server.port });
    const res = await t.call('POST', `/api/v1/relays/${relay.id}/test`);
    expect(res.body.ok).toBe(true);
    expect(server.received.auth.at(-1)).toMatchObject({ method: 'XOAUTH2', username: USER, ok: true });
  });
});

describe('relay test connection under MAILROUTE_RELAY_HOSTS=public-only', () => {
  it('refuses a host name that resolves to a loopback address', async () => {
    const dns = await startDnsServer({ 'sneaky.example': { A: ['127.0.0.1'] } });
    const t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_RELAY_HOSTS: 'public-only',
      MAILROUTE_DNS_SERVERS: dns.address,
    });
    const server = await startSmtpServer({ mode: 'plain' });
    try {
      const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
      const res = await t.call('POST', '/api/v1/relays/test', {
        name: 'x',
        host: 'sneaky.example',
        port: server.port,
        security: 'none',
        dailyLimit: 1,
        domainId,
        emailTypes: ['mass'],
      });
      expect(res.body.ok).toBe(false);
      expect(res.body.steps).toHaveLength(1);
      expect(res.body.steps[0]).toMatchObject({ step: 'dns', ok: false });
      expect(server.connections()).toBe(0);
    } finally {
      await t.close();
      await server.close();
      await dns.close();
    }
  });
});
