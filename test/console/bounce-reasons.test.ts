/**
 * Bounce reasons in the console, in Japanese at phone width: the bounces page shows each reason in
 * plain words and filters by it, the message detail and the suppression list show it too, all
 * within a 390 px screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, menuLink, screenshot, visible } from './browser.js';

describe.skipIf(chromiumMissing)('bounce reasons in the console', () => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let browser: Browser;
  let page: Page;
  let goneMessage: string;

  const bounce = async (to: string, status: string, diagnosticCode: string) => {
    const s = await sendOneSettled(t, to, 'individual');
    expect(s.status).toBe('sent');
    const res = await t.call('POST', '/api/v1/bounces', {
      deliveryId: s.deliveryId,
      recipient: to,
      status,
      diagnosticCode,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...s, reason: res.body.reason as string };
  };

  const fitsTheScreen = async () => {
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  };

  beforeAll(async () => {
    assertConsoleBuilt();
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    const gone = await bounce('gone@example.net', '5.1.1', '550 5.1.1 <gone@example.net>: User unknown');
    expect(gone.reason).toBe('user-unknown');
    goneMessage = gone.messageId;
    const full = await bounce('full@example.net', '4.2.2', '452 4.2.2 Mailbox full: quota exceeded');
    expect(full.reason).toBe('mailbox-full');
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await platform?.close();
  });

  it('lists bounces with their reason in Japanese and filters by reason', async () => {
    await (await menuLink(page, '不達メール')).click();
    await visible(page.getByRole('heading', { name: '不達メール', level: 1 }));
    const rows = page.locator('tbody tr');
    await visible(rows.filter({ hasText: 'gone@example.net' }).getByText('宛先不明', { exact: true }));
    await visible(
      rows.filter({ hasText: 'full@example.net' }).getByText('メールボックス容量超過', { exact: true }),
    );
    expect(await rows.count()).toBe(2);
    await fitsTheScreen();
    await screenshot(page, 'bounces-ja');

    await page.getByLabel('理由', { exact: true }).selectOption({ label: 'メールボックス容量超過' });
    await visible(page.locator('tbody tr', { hasText: 'full@example.net' }));
    await expect.poll(() => rows.count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('reason')).toBe('mailbox-full');
    await page.getByLabel('理由', { exact: true }).selectOption({ label: '宛先不明' });
    await expect.poll(() => rows.filter({ hasText: 'gone@example.net' }).count()).toBe(1);
    expect(await rows.count()).toBe(1);
    await fitsTheScreen();
  });

  it('shows the reason on the message detail', async () => {
    await page.goto(`${t.url}/messages/${goneMessage}`);
    await visible(page.locator('.bounces').getByText('宛先不明', { exact: true }));
    await fitsTheScreen();
  });

  it('shows the bounce reason of a suppression', async () => {
    await page.goto(`${t.url}/suppressions`);
    const row = page.locator('tbody tr', { hasText: 'gone@example.net' });
    await visible(row.getByText('宛先不明', { exact: true }));
    await visible(page.getByRole('columnheader', { name: '不達理由' }));
    await fitsTheScreen();
  });
});
