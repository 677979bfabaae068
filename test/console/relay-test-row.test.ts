/**
 * A relay's connection test opens its result in the row right below that relay, not below the whole
 * list: with two relays at loopback SMTP servers, in English at desktop width and in Japanese at
 * 390 px (where the result stays within the screen).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('the relay test result at its row', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;

  beforeAll(async () => {
    assertConsoleBuilt();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = (name: string, port: number) =>
      t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port,
        security: 'none',
        dailyLimit: 100,
        domainId,
        emailTypes: ['workflow'],
      });
    expect((await relay('First relay', await closedPort())).status).toBe(201);
    expect((await relay('Second relay', smtp.port)).status).toBe(201);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  const resultBelow = (page: Page, name: string) =>
    page.locator(`tr[data-relay="${name}"] + tr.relay-test-row`);

  it('opens each result below its relay, in English', async () => {
    const page = await openPage(browser, 'en-US');
    await signIn(page, t.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${t.url}/relays`);
    await page
      .locator('tr[data-relay="Second relay"]')
      .getByRole('button', { name: 'Test connection' })
      .click();
    const second = resultBelow(page, 'Second relay');
    await visible(second.getByText('The relay accepted the test (no mail was sent).'));
    await visible(second.getByRole('heading', { name: 'Test connection: Second relay' }));
    // Nothing opened under the first relay, and nothing below the table.
    expect(await resultBelow(page, 'First relay').count()).toBe(0);
    expect(await page.locator('.table-wrap ~ *').count()).toBe(0);
    await page
      .locator('tr[data-relay="First relay"]')
      .getByRole('button', { name: 'Test connection' })
      .click();
    const first = resultBelow(page, 'First relay');
    await visible(first.locator('li[data-step="tcp"].failed'));
    expect(await resultBelow(page, 'Second relay').count()).toBe(0);
    await first.getByRole('button', { name: 'Close' }).click();
    expect(await page.locator('tr.relay-test-row').count()).toBe(0);
    await page.context().close();
  });

  it('keeps the result on the screen in Japanese at 390 px', async () => {
    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/relays`);
    await page.locator('tr[data-relay="Second relay"]').getByRole('button', { name: '接続テスト' }).click();
    const verdict = resultBelow(page, 'Second relay').getByText(
      'リレーサーバーはテストを受け付けました（メールは送信していません）。',
    );
    await visible(verdict);
    const box = await verdict.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });
});
