/**
 * A 400-recipient mass email as a campaign in the console (issue 20), in English and Japanese, at
 * laptop width and at 390 px: while the worker is stopped the page shows its progress (nothing processed
 * yet); once it runs, the open pages poll their way to the final counts, by status and by route
 * (a relay with a cap of 150, then mailroute as the fallback). The page stays short (one page of
 * recipients), a customer's name finds their delivery by its merged subject, paging moves on, the
 * log filters by the campaign and by the merged subject, and nothing scrolls sideways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { until } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';
import { assertConsoleBuilt, chromiumMissing, launch, screenshot, signIn, visible } from './browser.js';

const RECIPIENTS = 400;
const CAP = 150;
/** The page of a 400-recipient mass email used to be 114,278 px tall. */
const TALL = 6000;

const nameOf = (i: number) => (i === 123 ? '山田 花子' : `顧客 ${String(i).padStart(3, '0')}`);

type Combo = { lang: 'en' | 'ja'; width: number; height: number };
const combos: Combo[] = [
  { lang: 'en', width: 1280, height: 720 },
  { lang: 'ja', width: 1280, height: 720 },
  { lang: 'en', width: 390, height: 844 },
  { lang: 'ja', width: 390, height: 844 },
];

const words = {
  en: {
    sending: 'Sending',
    done: 'Finished',
    none: `0 of ${RECIPIENTS} recipients processed (0%)`,
    all: `${RECIPIENTS} of ${RECIPIENTS} recipients processed (100%)`,
    search: 'Search',
    range: (a: number, b: number) => `Recipients ${a}–${b}`,
    next: 'Next →',
    fallback: 'mailroute (fallback)',
    relay: 'Through a relay',
    sent: 'Sent',
  },
  ja: {
    sending: '送信中',
    done: '送信完了',
    none: `${RECIPIENTS} 件中 0 件を処理済み（0%）`,
    all: `${RECIPIENTS} 件中 ${RECIPIENTS} 件を処理済み（100%）`,
    search: '検索',
    range: (a: number, b: number) => `${a}〜${b} 件目`,
    next: '次へ →',
    fallback: 'mailroute（フォールバック）',
    relay: 'リレー経由',
    sent: '送信済み',
  },
};

describe.skipIf(chromiumMissing)('a campaign in the console', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let campaignId: string;
  const pages: { combo: Combo; page: Page }[] = [];

  beforeAll(async () => {
    assertConsoleBuilt();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${smtp.port}`,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'news relay',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      dailyLimit: CAP,
      domainId,
      emailTypes: ['mass'],
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    // The worker stopped, so that the pages see the campaign before anything of it went out.
    await stopWorker(t.app.worker!);
    const mass = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: '{{name}} 様、12月のご案内',
      text: '{{name}} 様\nいつもありがとうございます。',
      recipients: Array.from({ length: RECIPIENTS }, (_, i) => ({
        address: `customer${i}@example.net`,
        fields: { name: nameOf(i) },
      })),
    });
    expect(mass.status, JSON.stringify(mass.body)).toBe(202);
    campaignId = mass.body.id;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  /** For the README: the Japanese page while part of the campaign went out (best effort). */
  async function screenshotInProgress(page: Page) {
    const part = await until(
      async () => {
        const p = (await t.call('GET', `/api/v1/messages/${campaignId}/progress`)).body;
        const pending = p.statuses.queued + p.statuses.sending + p.statuses.deferred;
        return p.total - pending >= 120 || p.done ? p : undefined;
      },
      60_000,
      'part of the campaign to go out',
    );
    if (part.done) return;
    await visible(page.getByTestId('campaign-summary').getByText(/[1-9]\d* 件を処理済み/));
    await screenshot(page, 'campaign-ja', false);
  }

  async function measure(page: Page) {
    return page.evaluate<{ scroll: number; inner: number; height: number }>(
      '({ scroll: document.documentElement.scrollWidth, inner: innerWidth, height: document.documentElement.scrollHeight })',
    );
  }

  it('shows the progress of a campaign still to go out, short, in both languages and widths', async () => {
    for (const combo of combos) {
      const context = await browser.newContext({
        viewport: { width: combo.width, height: combo.height },
        locale: 'en-US',
      });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await signIn(page, `${t.url}/messages/${campaignId}`, ADMIN_EMAIL, ADMIN_PASSWORD);
      if (combo.lang === 'ja') await page.getByLabel('Language').selectOption('ja');
      const w = words[combo.lang];
      await visible(page.getByTestId('campaign-state').getByText(w.sending, { exact: true }));
      await visible(page.getByTestId('campaign-summary').getByText(w.none));
      await visible(page.getByRole('progressbar'));
      await visible(page.getByTestId('campaign-range').getByText(w.range(1, 25)));
      expect(await page.locator('.campaign-recipient').count()).toBe(25);
      const m = await measure(page);
      expect(m.scroll, `${combo.lang} ${combo.width}`).toBeLessThanOrEqual(m.inner);
      expect(m.height, `${combo.lang} ${combo.width}`).toBeLessThan(TALL);
      console.log(`campaign page ${combo.lang} ${combo.width}px: ${m.height}px tall while queued`);
      pages.push({ combo, page });
    }
  }, 180_000);

  it('polls its way to the final counts, by status and by route, once it goes out', async () => {
    await t.app.worker!.start();
    if (process.env.MAILROUTE_SCREENSHOTS === '1') await screenshotInProgress(pages[1]!.page);
    const final = await until(
      async () => {
        const res = await t.call('GET', `/api/v1/messages/${campaignId}/progress`);
        return res.body.done ? res.body : undefined;
      },
      150_000,
      'the campaign to go out',
    );
    expect(final.statuses.sent).toBe(RECIPIENTS);
    expect(final.routes.relay).toBe(CAP);
    expect(final.routes.fallback).toBe(RECIPIENTS - CAP);
    for (const { combo, page } of pages) {
      const w = words[combo.lang];
      await visible(page.getByTestId('campaign-state').getByText(w.done, { exact: true }));
      await visible(page.getByTestId('campaign-summary').getByText(w.all));
      const routes = page.getByTestId('campaign-routes');
      await visible(routes.locator('.route-relay dd').getByText(String(CAP), { exact: true }));
      await visible(
        routes.locator('.route-fallback dd').getByText(String(RECIPIENTS - CAP), { exact: true }),
      );
      await visible(routes.locator('.route-relay dt').getByText(w.relay, { exact: true }));
      await visible(
        page.getByTestId('campaign-statuses').locator('.count-sent dd').getByText(String(RECIPIENTS)),
      );
      const m = await measure(page);
      expect(m.scroll, `${combo.lang} ${combo.width}`).toBeLessThanOrEqual(m.inner);
      expect(m.height, `${combo.lang} ${combo.width}`).toBeLessThan(TALL);
      console.log(`campaign page ${combo.lang} ${combo.width}px: ${m.height}px tall when done`);
    }
  }, 240_000);

  it('finds a customer by the name merged into the subject, and pages on', async () => {
    for (const { combo, page } of pages) {
      const w = words[combo.lang];
      await page.getByRole('button', { name: w.next }).click();
      await visible(page.getByTestId('campaign-range').getByText(w.range(26, 50)));
      await page.getByRole('searchbox').fill('山田');
      await page.getByRole('button', { name: w.search, exact: true }).click();
      const row = page.locator('.campaign-recipient[data-recipient="customer123@example.net"]');
      await visible(row.getByText('山田 花子 様、12月のご案内'));
      await visible(row.getByText(w.sent, { exact: true }));
      expect(await page.locator('.campaign-recipient').count()).toBe(1);
      const m = await measure(page);
      expect(m.scroll, `${combo.lang} ${combo.width}`).toBeLessThanOrEqual(m.inner);
    }
  }, 120_000);

  it('filters the log by the campaign and by the merged subject', async () => {
    for (const { combo, page } of pages) {
      await page.goto(`${t.url}/messages?messageId=${campaignId}`);
      await visible(page.locator('tr[data-recipient]'));
      expect(await page.locator('tr[data-recipient]').count()).toBe(50);
      await page.goto(`${t.url}/messages?subject=${encodeURIComponent('山田 花子')}`);
      const row = page.locator('tr[data-recipient="customer123@example.net"]');
      await visible(row.getByText('山田 花子 様、12月のご案内'));
      expect(await page.locator('tr[data-recipient]').count()).toBe(1);
      if (combo.width > 400) continue;
      const m = await measure(page);
      console.log(`log at ${combo.width}px: scrollWidth ${m.scroll}, innerWidth ${m.inner}`);
    }
  }, 120_000);
});
