/**
 * The TLS of each attempt on the console's message page (issue 21), in English and in Japanese at
 * 390 px: an attempt in clear says so, and one with a TLS version recorded names it and whether the
 * certificate was verified.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('attempt TLS in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let platform: TestSmtpServer;
  let clearId: string;
  let verifiedId: string;

  beforeAll(async () => {
    assertConsoleBuilt();
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    const send = async (to: string) => {
      const res = await t.call('POST', '/api/v1/messages', {
        type: 'individual',
        from: 'a@sakura.com',
        to: [to],
        subject: 's',
        text: 't',
      });
      await settled(t, res.body.id);
      return res.body.id as string;
    };
    clearId = await send('clear@example.net');
    verifiedId = await send('verified@example.net');
    // As an attempt over verified TLS records it (the loopback smarthost here speaks in clear).
    await t.app.ctx.store.db
      .updateTable('attempts')
      .set({ tls_version: 'TLSv1.3', tls_verified: 1 })
      .where('delivery_id', 'in', (eb) =>
        eb.selectFrom('deliveries').select('id').where('message_id', '=', verifiedId),
      )
      .execute();
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await platform?.close();
  });

  it('says it in English', async () => {
    const page = await openPage(browser, 'en-US');
    await signIn(page, `${t.url}/`, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${t.url}/messages/${clearId}`);
    await visible(page.getByRole('cell', { name: 'Not encrypted' }));
    await page.goto(`${t.url}/messages/${verifiedId}`);
    await visible(page.getByRole('cell', { name: 'TLSv1.3, certificate verified' }));
    await page.context().close();
  });

  it('says it in Japanese at 390 px, within the screen', async () => {
    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/messages/${verifiedId}`);
    await visible(page.getByRole('cell', { name: 'TLSv1.3、証明書を検証済み' }));
    await page.goto(`${t.url}/messages/${clearId}`);
    await visible(page.getByRole('cell', { name: '暗号化なし' }));
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });
});
