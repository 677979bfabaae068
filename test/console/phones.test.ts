/**
 * The console on a phone (issue 20): with real data seeded, every page of app.tsx, in Japanese and
 * English, at 390 px fits the screen's width (`scrollWidth <= innerWidth`), keeps each list row's
 * status and actions on the screen as a card, and stays a sane height (DNS records wrap instead of
 * standing one character per line); at desktop width nothing scrolls sideways either. The menu
 * collapses behind a button, and the header's sign-out button stays on one line.
 * On the Domains page each record is marked ✓ or ✗ from a live lookup (loopback DNS server).
 * MAILROUTE_PHONE_SHOTS=<dir> saves every page at 390 px there, to look at.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, screenshot, visible } from './browser.js';
import { appRoutes, type ConsolePage, consolePages } from './console-pages.js';
import { type ConsoleSeed, LONG_DOMAIN, seedConsole } from './console-seed.js';

const appSource = readFileSync(fileURLToPath(new URL('../../web/src/app.tsx', import.meta.url)), 'utf8');
const DATACENTERS = fileURLToPath(new URL('../fixtures/datacenters/auth-check.json', import.meta.url));
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 720 };
/** The pages whose phone layout the README shows. */
const shots = new Set(['relays', 'domains']);
const languages = [
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
] as const;

interface Measure {
  page: string;
  scrollWidth: number;
  innerWidth: number;
  height: number;
}

/** Signs in through the form without reading its words (the language is the browser's). */
async function signedIn(browser: Browser, t: TestApp, locale: string, viewport: typeof PHONE): Promise<Page> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${t.url}/`);
  await page.locator('input[type="email"]').fill(ADMIN_EMAIL);
  await page.locator('input[type="password"]').fill(ADMIN_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await visible(page.getByRole('navigation'));
  return page;
}

/** Opens one page and waits for its data (and for every loading state to end). */
async function open(page: Page, t: TestApp, seed: ConsoleSeed, p: ConsolePage): Promise<void> {
  await page.goto(`${t.url}${p.path(seed)}`);
  await page.locator(p.ready).first().waitFor({ state: 'visible' });
  // Every loading state, however many a page has (the dashboard loads several cards).
  await expect
    .poll(() => page.locator('.state.loading, [role="status"].loading, [aria-busy="true"]').count(), {
      timeout: 15_000,
    })
    .toBe(0);
}

async function measure(page: Page, name: string): Promise<Measure> {
  const m = await page.evaluate<Omit<Measure, 'page'>>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, height: document.documentElement.scrollHeight })',
  );
  return { page: name, ...m };
}

/** Problems of a card in the phone layout: status or actions off the screen, or hidden. */
async function cardProblems(page: Page, p: ConsolePage): Promise<string[]> {
  if (!p.card) return [];
  const problems: string[] = [];
  const row = page.locator(p.card.row).first();
  const inside = async (what: string, selector: string) => {
    const found = row.locator(selector);
    const count = await found.count();
    if (count === 0) problems.push(`${p.name}: no ${what} (${selector}) in ${p.card!.row}`);
    for (let i = 0; i < count; i++) {
      const box = await found.nth(i).boundingBox();
      if (!box || box.width === 0 || box.height === 0) problems.push(`${p.name}: ${what} ${i} is hidden`);
      else if (box.x < 0 || box.x + box.width > PHONE.width)
        problems.push(`${p.name}: ${what} ${i} is off the screen (${box.x}..${box.x + box.width})`);
    }
  };
  // Every cell of the row is shown and within the screen.
  await inside('cell', 'td');
  if (p.card.status) await inside('status', p.card.status);
  if (p.card.actions) await inside('action', p.card.actions);
  return problems;
}

describe.skipIf(chromiumMissing)('the console on a phone', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let seed: ConsoleSeed;

  beforeAll(async () => {
    assertConsoleBuilt();
    smtp = await startSmtpServer({ mode: 'plain' });
    dns = await startDnsServer({
      // The data center's egress, and the relays' loopback address.
      'bounces.mailroute.test': { TXT: ['v=spf1 ip4:127.0.100.0/24 ip4:127.0.0.1 -all'] },
    });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DATACENTERS: DATACENTERS,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${smtp.port}`,
    });
    seed = await seedConsole(t, dns, smtp.port);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  it('walks every route of the console', () => {
    const walked = new Set(consolePages.map((p) => p.route));
    expect(appRoutes(appSource).filter((r) => !walked.has(r))).toEqual([]);
  });

  for (const [lang, locale] of languages) {
    it(`fits every page in ${lang} at 390 px, rows as cards with their status and actions`, async () => {
      const page = await signedIn(browser, t, locale, PHONE);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      const problems: string[] = [];
      const measures: Measure[] = [];
      for (const p of consolePages) {
        await open(page, t, seed, p);
        const m = await measure(page, p.name);
        measures.push(m);
        if (m.scrollWidth > m.innerWidth) problems.push(`${p.name}: scrolls sideways (${m.scrollWidth} px)`);
        if (m.height > (p.maxHeight ?? 12_000)) problems.push(`${p.name}: ${m.height} px tall`);
        problems.push(...(await cardProblems(page, p)));
        if (lang === 'ja' && shots.has(p.name)) await screenshot(page, `phone-${p.name}-ja`);
        const dir = process.env.MAILROUTE_PHONE_SHOTS;
        if (dir) await page.screenshot({ path: `${dir}/${lang}-${p.name}.png`, fullPage: true });
      }
      console.info(
        `390 px, ${lang}:\n${measures.map((m) => `  ${m.page}: width ${m.scrollWidth}, height ${m.height}`).join('\n')}`,
      );
      expect(problems).toEqual([]);
      await page.context().close();
    }, 300_000);
  }

  it('collapses the menu behind its button at 390 px, with sign-out on one line', async () => {
    const page = await signedIn(browser, t, 'ja-JP', PHONE);
    const nav = page.getByRole('navigation');
    const toggle = nav.getByRole('button', { name: 'メニュー' });
    const link = nav.getByRole('link', { name: 'ドメイン', exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await link.isVisible()).toBe(false);
    const signOut = (await page.getByRole('button', { name: 'ログアウト' }).boundingBox())!;
    expect(signOut.height).toBeLessThan(40);
    expect(signOut.x + signOut.width).toBeLessThanOrEqual(PHONE.width);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await link.click();
    await visible(page.getByRole('heading', { name: 'ドメイン', level: 1 }));
    expect(await link.isVisible()).toBe(false);
    await page.setViewportSize(DESKTOP);
    expect(await toggle.isVisible()).toBe(false);
    expect(await link.isVisible()).toBe(true);
    await page.context().close();
  });

  for (const [lang, locale, words] of [
    ['ja', 'ja-JP', { ok: '公開されています', missing: '公開されていません' }],
    ['en', 'en-US', { ok: 'published', missing: 'not published' }],
  ] as const) {
    it(`marks each DNS record of a domain ✓ or ✗ from a live lookup, in ${lang}`, async () => {
      const page = await signedIn(browser, t, locale, PHONE);
      await page.goto(`${t.url}/domains`);
      const card = (name: string) =>
        page.locator('section.domain', { has: page.getByRole('heading', { name, exact: true }) });
      const record = (name: string, kind: string) => card(name).locator(`li[data-record="${kind}"]`);
      // Verified, but its DKIM record is not published.
      await visible(record(LONG_DOMAIN, 'dkim'));
      expect(await record(LONG_DOMAIN, 'verification').getAttribute('class')).toBe('ok');
      expect(await record(LONG_DOMAIN, 'verification').textContent()).toContain(`✓`);
      expect(await record(LONG_DOMAIN, 'dkim').getAttribute('class')).toBe('failed');
      expect(await record(LONG_DOMAIN, 'dkim').textContent()).toContain(`✗DKIM ${words.missing}`);
      expect(await record(LONG_DOMAIN, 'dmarc').getAttribute('class')).toBe('failed');
      for (const kind of ['verification', 'dkim', 'spf', 'dmarc'])
        expect(await record('sakura.com', kind).getAttribute('class'), kind).toBe('ok');
      expect(await record('sakura.com', 'dkim').textContent()).toContain(`✓DKIM ${words.ok}`);
      await page.context().close();
    });
  }

  it('fits every page at desktop width too', async () => {
    const page = await signedIn(browser, t, 'ja-JP', DESKTOP);
    const wide: string[] = [];
    for (const p of consolePages) {
      await open(page, t, seed, p);
      const m = await measure(page, p.name);
      if (m.scrollWidth > m.innerWidth) wide.push(`${p.name}: ${m.scrollWidth} px`);
    }
    expect(wide).toEqual([]);
    await page.context().close();
  }, 300_000);
});
