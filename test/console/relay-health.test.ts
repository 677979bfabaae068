/**
 * A relay's health page in a real browser, in Japanese and at phone width: reached from the relay
 * list, it shows the attempts that really went through a loopback relay, its charts, and the
 * relay's last error, without scrolling sideways at 390 px; the list marks a relay at its cap.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, screenshot, visible } from './browser.js';

describe.skipIf(chromiumMissing)('relay health in the console', () => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const res = await t.call('POST', '/api/v1/relays', {
      name: '本社リレー',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 3,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(res.status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await sendOneSettled(t, `c${i}@example.net`, 'workflow')).status).toBe('sent');
    browser = await launch();
    page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await relay?.close();
  });

  it('shows the attempts, acceptance and charts of a relay, in Japanese, at 390 px', async () => {
    await page.goto(`${t.url}/relays`);
    // Three sent under a cap of 3: the list says the cap is reached, not just "active".
    await visible(page.locator('[data-relay="本社リレー"]').getByText('上限到達 (3/3)'));
    await page.getByRole('link', { name: '稼働状況' }).click();
    await visible(page.getByRole('heading', { name: '本社リレー の稼働状況', level: 1 }));
    const day = page.locator('section.card', { has: page.getByRole('heading', { name: '過去24時間' }) });
    await visible(day.getByText('100.0%'));
    await visible(day.getByText('（受け付け 3 件、失敗 0 件）'));
    await visible(page.getByText('失敗の記録はありません'));
    await visible(page.getByRole('img', { name: '1時間ごとの試行数（過去24時間）' }));
    await visible(page.getByRole('img', { name: '1日ごとの試行数（過去7日間）' }));
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await screenshot(page, 'relay-health-ja-390');
  });
});
