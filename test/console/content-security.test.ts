/**
 * The console under its own Content-Security-Policy in chromium: it signs in, disables and enables
 * a relay and signs out (state changes with the session cookie, which the same-origin rule lets
 * through), with no policy violation reported on the way (zod runs jitless, so no eval).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('the console under its Content-Security-Policy', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let dns: TestDnsServer;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    assertConsoleBuilt();
    smtp = await startSmtpServer({ mode: 'plain' });
    dns = await startDnsServer({});
    t = await startTestApp('sqlite', { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DNS_SERVERS: dns.address });
    const domain = (await t.call('POST', '/api/v1/domains', { name: 'zylker.com' })).body;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'Office relay',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      dailyLimit: 100,
      domainId: domain.id,
      emailTypes: ['workflow'],
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    browser = await launch();
    page = await openPage(browser, 'en-US');
    // Browser-side code as text: the test project has no DOM types.
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
        });`,
    });
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  const reported = () => page.evaluate<string[]>('window.cspViolations');

  it('signs in, changes a relay and signs out without a violation', async () => {
    const response = await page.goto(`${t.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await signIn(page, `${t.url}/`, ADMIN_EMAIL, ADMIN_PASSWORD);
    // Signing in lands on the dashboard; the relays are one page on.
    await page.goto(`${t.url}/relays`);
    const row = page.locator('tr[data-relay="Office relay"]');
    await row.getByRole('button', { name: 'Disable' }).click();
    await visible(row.getByText('Disabled', { exact: true }));
    await row.getByRole('button', { name: 'Enable' }).click();
    await visible(row.getByText('Active', { exact: true }));
    expect(await reported()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByRole('heading', { name: 'Sign in to mailroute' }));
    expect(await reported()).toEqual([]);
    expect(violations).toEqual([]);
    expect(t.logs.join('')).not.toContain('http.cross_site_refused');
  }, 60_000);
});
