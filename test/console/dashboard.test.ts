/**
 * The dashboard, the console's first page (issue 20), in a real browser from real mail on loopback
 * servers: a relay at its cap (上限到達 / "Cap reached"), a relay suspended by three real failures
 * with its last error, fallbacks by reason, the plan's use and the latest notification, every time
 * in the org's zone with the zone named. In Japanese and English, at desktop width and at 390 px
 * without scrolling sideways; the suspended relay is resumed from the dashboard.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { sendOneSettled, until } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, screenshot, visible } from './browser.js';

type Locale = 'ja-JP' | 'en-US';

const words = {
  'ja-JP': {
    email: 'メールアドレス',
    password: 'パスワード',
    signIn: 'ログイン',
    title: '本日の状況',
    cap: '上限到達 (2/2)',
    suspended: / まで停止中$/,
    reason: '最後のエラー',
    plan: '本日 5 通 / 上限 5,000 通',
    fallbackCap: '送信上限に到達',
    notification: '3回続けて送信に失敗',
    resume: '今すぐ再開',
    none: '停止中のリレーサーバーはありません。',
  },
  'en-US': {
    email: 'Email address',
    password: 'Password',
    signIn: 'Sign in',
    title: 'Today',
    cap: 'Cap reached (2/2)',
    suspended: /^Suspended until /,
    reason: 'Last error',
    plan: '5 of 5,000 today',
    fallbackCap: 'Cap reached',
    notification: 'failed 3 times in a row',
    resume: 'Resume now',
    none: 'No relay is suspended.',
  },
} as const;

describe.skipIf(chromiumMissing)('the dashboard in the console', () => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let good: TestSmtpServer;
  let failing: TestSmtpServer;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    assertConsoleBuilt();
    platform = await startSmtpServer({ mode: 'plain' });
    good = await startSmtpServer({ mode: 'plain' });
    failing = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /./, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    for (const [name, server, priority, dailyLimit] of [
      ['故障リレー', failing, 1, 100],
      ['本社リレー', good, 2, 2],
    ] as const) {
      const res = await t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        dailyLimit,
        priority,
        domainId,
        emailTypes: ['workflow'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    }
    // Two through 本社リレー (then at its cap), three through the platform; 故障リレー is
    // suspended at its third failure.
    for (let i = 0; i < 5; i++) {
      expect((await sendOneSettled(t, `c${i}@example.net`, 'workflow')).status).toBe('sent');
      t.clock.advance(60_000);
    }
    // Once the worker is idle its reserve of the caps is back: the counts are what was sent.
    await until(
      async () =>
        (await t.call('GET', '/api/v1/dashboard')).body.relays.every(
          (r: { usageToday: number }) => r.usageToday <= 2,
        ),
      10_000,
      'the reserves returned',
    );
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await platform?.close();
    await good?.close();
    await failing?.close();
  });

  async function signedIn(locale: Locale, width: number): Promise<Page> {
    const w = words[locale];
    const page = await openPage(browser, locale);
    if (width < 1280) await page.setViewportSize({ width, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel(w.email).fill(ADMIN_EMAIL);
    await page.getByLabel(w.password).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: w.signIn }).click();
    // The first page after signing in is the dashboard.
    await visible(page.getByRole('heading', { name: w.title, exact: true }));
    return page;
  }

  const fits = (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  for (const [locale, width] of [
    ['en-US', 1280],
    ['ja-JP', 1280],
    ['en-US', 390],
  ] as const) {
    it(`shows today at a glance, in ${locale} at ${width} px`, async () => {
      const w = words[locale];
      const page = await signedIn(locale, width);
      await visible(page.getByTestId('dash-plan').getByText(w.plan));
      await visible(page.getByTestId('dash-relays').locator('[data-relay="本社リレー"]').getByText(w.cap));
      const suspended = page.getByTestId('dash-suspended').locator('[data-relay="故障リレー"]');
      await visible(suspended.getByText(w.suspended));
      // Times in the org's zone, named.
      await visible(suspended.getByText(/\(Asia\/Tokyo\)/));
      await visible(suspended.getByText(w.reason));
      await visible(suspended.getByText('4.3.0 Temporary failure', { exact: false }));
      const cap = page.getByTestId('dash-fallbacks').locator('[data-reason="cap"]');
      await visible(cap.getByText(w.fallbackCap));
      expect(await cap.locator('dd').textContent()).toBe('2');
      expect(
        await page.getByTestId('dash-fallbacks').locator('[data-reason="failed"] dd').textContent(),
      ).toBe('1');
      await visible(page.getByTestId('dash-rates').locator('[data-rate="bounce"]').getByText('0.00%'));
      const note = page.getByTestId('dash-notifications').locator('[data-kind="relay.suspended"]');
      await visible(note.getByText(w.notification, { exact: false }));
      await visible(note.getByText(/\(Asia\/Tokyo\)$/));
      expect(await fits(page)).toBe(true);
      if (locale === 'ja-JP') await screenshot(page, 'dashboard-ja');
      await page.context().close();
    });
  }

  it('resumes the suspended relay from the dashboard, in ja-JP at 390 px', async () => {
    const w = words['ja-JP'];
    const page = await signedIn('ja-JP', 390);
    const card = page.getByTestId('dash-suspended');
    await visible(card.locator('[data-relay="故障リレー"]').getByText(w.reason));
    await visible(page.getByTestId('dash-relays').locator('[data-relay="本社リレー"]').getByText(w.cap));
    expect(await fits(page)).toBe(true);
    const box = await card.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'dashboard-ja-390');
    await card.getByRole('button', { name: w.resume }).click();
    await visible(card.getByText(w.none));
    expect(await fits(page)).toBe(true);
    const view = (await t.call('GET', `/api/v1/relays/${ids.故障リレー}`)).body;
    expect([view.status, view.suspendedReason]).toEqual(['active', null]);
    await page.context().close();
  });
});
