/**
 * The one-click unsubscribe page in chromium (issue 17): opening the link, even twice, changes
 * nothing; the one button does, and the page says so in the browser's language. The page runs under
 * its own strict Content-Security-Policy (its style allowed by hash) with no violation, and fits a
 * 390 px screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { messageFor, settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { chromiumMissing, launch, visible } from './browser.js';

describe.skipIf(chromiumMissing)('the unsubscribe page in chromium', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;
  let browser: Browser;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
    });
    mx = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dns?.close();
    await mx?.close();
  });

  /** The one-click URL of a mass email to `address`, on this server. */
  async function linkFor(address: string): Promise<string> {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'amelia@sakura.com',
      subject: 'News',
      text: 'Hello',
      recipients: [{ address }],
    });
    const d = (await settled(t, res.body.id)).deliveries[0];
    const token = /\/u\/([a-z2-7-]+)>/.exec(messageFor(mx, d.id)!.toString())![1];
    return `${t.url}/u/${token}`;
  }
  const suppressed = async (address: string) =>
    (await t.call('GET', `/api/v1/suppressions?address=${address}`)).body.items;

  async function open(locale: 'en-US' | 'ja-JP'): Promise<{ page: Page; violations: string[] }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 760 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    return { page, violations };
  }

  for (const [locale, words] of [
    ['ja-JP', { button: '配信を停止する', done: '配信を停止しました' }],
    ['en-US', { button: 'Unsubscribe', done: 'You are unsubscribed' }],
  ] as const) {
    it(`${locale}: nothing changes until the button, which unsubscribes`, async () => {
      const address = `reader-${locale.toLowerCase()}@example.net`;
      const url = await linkFor(address);
      const { page, violations } = await open(locale);
      await page.goto(url);
      await page.reload();
      const button = await visible(page.getByRole('button', { name: words.button }));
      expect(await suppressed(address)).toEqual([]);
      // It fits the narrow screen: nothing wider than the viewport.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // The style block is allowed by hash: the button is styled.
      expect(await page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")).toBe(
        'rgb(29, 78, 216)',
      );
      await button.click();
      await visible(page.getByRole('heading', { name: words.done }));
      expect(await suppressed(address)).toEqual([
        expect.objectContaining({ address, reason: 'unsubscribe', scope: 'mass', source: 'one-click' }),
      ]);
      expect(violations).toEqual([]);
      await page.context().close();
    });
  }

  it('shows a forged link as not valid, and changes nothing', async () => {
    const url = await linkFor('forged@example.net');
    const { page } = await open('en-US');
    const res = await page.goto(url.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')));
    expect(res?.status()).toBe(404);
    await visible(page.getByRole('heading', { name: 'Link not valid' }));
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await suppressed('forged@example.net')).toEqual([]);
    await page.context().close();
  });
});
