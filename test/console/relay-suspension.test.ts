/**
 * A relay suspended by three real failures at a loopback relay: the API's relay view and the relay
 * list name the last error, and the relay's edit page resumes it; in English at desktop width and
 * in Japanese at 390 px.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('a suspended relay in the console', () => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let relay: TestSmtpServer;
  let browser: Browser;
  let relayId: string;

  beforeAll(async () => {
    assertConsoleBuilt();
    platform = await startSmtpServer({ mode: 'plain' });
    relay = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^fail/, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const res = await t.call('POST', '/api/v1/relays', {
      name: '本社リレー',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(res.status).toBe(201);
    relayId = res.body.id;
    expect(res.body.suspendedReason).toBeNull();
    for (let i = 0; i < 3; i++) await sendOneSettled(t, `fail${i}@example.net`, 'workflow');
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await relay?.close();
    await platform?.close();
  });

  it('names the last error in the API and the relay list, in English', async () => {
    const view = (await t.call('GET', `/api/v1/relays/${relayId}`)).body;
    expect(view.status).toBe('suspended');
    expect(view.suspendedReason).toContain('451');
    expect(view.suspendedReason).toContain('Temporary failure');
    const page = await openPage(browser, 'en-US');
    await signIn(page, t.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${t.url}/relays`);
    const row = page.locator('[data-relay="本社リレー"]');
    await visible(row.getByText('Last error'));
    await visible(row.getByText(view.suspendedReason));
    await page.goto(`${t.url}/relays/${relayId}`);
    await visible(page.getByRole('heading', { name: /^Suspended until / }));
    await visible(page.getByRole('button', { name: 'Resume now' }));
    await page.context().close();
  });

  it('resumes it from its edit page, in Japanese at 390 px', async () => {
    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/relays`);
    await visible(page.locator('[data-relay="本社リレー"]').getByText('最後のエラー'));
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.goto(`${t.url}/relays/${relayId}`);
    const notice = page.locator('section.suspension');
    await visible(notice.getByRole('heading', { name: / まで停止中$/ }));
    await visible(notice.getByText('4.3.0 Temporary failure', { exact: false }));
    // The notice fits the phone's width (the page's authentication table is another matter).
    const box = await notice.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await notice.getByRole('button', { name: '今すぐ再開' }).click();
    await notice.waitFor({ state: 'detached' });
    await visible(page.locator('.page-head').getByText('有効'));
    const view = (await t.call('GET', `/api/v1/relays/${relayId}`)).body;
    expect([view.status, view.suspendedReason]).toEqual(['active', null]);
    await page.context().close();
  });
});
