/**
 * Cross-site requests with the console's session cookie (issue 14, point 7): a state change must
 * come from mailroute's own origin, by `Sec-Fetch-Site` or else `Origin`; API keys are untouched.
 * Every response carries the console's security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe.each(dialects)('cross-site requests on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let relayId: string;
  let cookie: string;

  beforeAll(async () => {
    dns = await startDnsServer();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PUBLIC_URL: 'https://mail.example.test/',
    });
    const domain = (await t.call('POST', '/api/v1/domains', { name: 'zylker.com' })).body;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'office',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      dailyLimit: 100,
      domainId: domain.id,
      emailTypes: ['workflow'],
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    relayId = relay.body.id;
    const login = await t.call(
      'POST',
      '/api/auth/login',
      { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      null,
    );
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  const relayStatus = async () => (await t.call('GET', `/api/v1/relays/${relayId}`)).body.status;

  /** The probe's request: bodiless, `text/plain` (no preflight), with the cookie and the given headers. */
  const withCookie = (path: string, headers: Record<string, string>) =>
    t.call('POST', path, '', null, { cookie, 'content-type': 'text/plain', ...headers });

  it('refuses a cookie-authenticated change from another origin with 403 naming the reason', async () => {
    const res = await withCookie(`/api/v1/relays/${relayId}/disable`, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.body.error.message).toContain('cross-site');
    expect(res.body.error.message).toContain('https://evil.example');
    expect(await relayStatus()).toBe('active');
    expect(t.logs.join('')).toContain('http.cross_site_refused');
  });

  it('refuses by Sec-Fetch-Site when the browser sends it, whatever Origin says', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await withCookie(`/api/v1/relays/${relayId}/disable`, {
        'sec-fetch-site': site,
        origin: t.url,
      });
      expect(res.status, site).toBe(403);
      expect(res.body.error.message).toContain(`Sec-Fetch-Site is "${site}"`);
    }
    expect(await relayStatus()).toBe('active');
  });

  it('refuses a cookie-authenticated change that names no origin at all', async () => {
    const res = await withCookie(`/api/v1/relays/${relayId}/disable`, { origin: 'null' });
    expect(res.status).toBe(403);
    const bare = await t.call('POST', `/api/v1/relays/${relayId}/disable`, '', null, {
      cookie,
      'sec-fetch-site': 'cross-site',
    });
    expect(bare.status).toBe(403);
    expect(await relayStatus()).toBe('active');
  });

  it('accepts the console itself: same-origin by Sec-Fetch-Site, by Host or by the public URL', async () => {
    const bySite = await withCookie(`/api/v1/relays/${relayId}/disable`, { 'sec-fetch-site': 'same-origin' });
    expect(bySite.status, JSON.stringify(bySite.body)).toBe(200);
    expect(bySite.body.status).toBe('disabled');
    const byHost = await withCookie(`/api/v1/relays/${relayId}/enable`, { origin: t.url });
    expect(byHost.status, JSON.stringify(byHost.body)).toBe(200);
    const byPublicUrl = await withCookie(`/api/v1/relays/${relayId}/disable`, {
      origin: 'https://mail.example.test',
    });
    expect(byPublicUrl.status, JSON.stringify(byPublicUrl.body)).toBe(200);
    expect(await relayStatus()).toBe('disabled');
    expect((await withCookie(`/api/v1/relays/${relayId}/enable`, { 'sec-fetch-site': 'none' })).status).toBe(
      200,
    );
  });

  it('lets cross-site reads through, and API keys from anywhere', async () => {
    const read = await t.call('GET', `/api/v1/relays/${relayId}`, undefined, null, {
      cookie,
      'sec-fetch-site': 'cross-site',
    });
    expect(read.status).toBe(200);
    const byKey = await t.call('POST', `/api/v1/relays/${relayId}/disable`, '', undefined, {
      'content-type': 'application/json',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(200);
    expect(await relayStatus()).toBe('disabled');
  });

  it('sends the security headers on the console, the API and its errors', async () => {
    for (const res of [
      await fetch(`${t.url}/`),
      await fetch(`${t.url}/api/v1/relays`),
      await fetch(`${t.url}/api/nothing-here`),
      await fetch(`${t.url}/healthz`),
    ]) {
      expect(res.headers.get('x-frame-options'), res.url).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, res.url).toContain("frame-ancestors 'none'");
      expect(csp, res.url).toContain("default-src 'self'");
      expect(csp, res.url).not.toContain('unsafe');
    }
  });
});
