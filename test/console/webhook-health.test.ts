/**
 * Webhook endpoints' health from their real deliveries to loopback receivers: one that answers 200
 * shows as enabled, one that answers 500 as failing, one that answered 200 then 500 as degraded; in
 * the API's endpoint view, and on the webhooks page in English at desktop width and in Japanese at
 * 390 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { until } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('webhook endpoint health', () => {
  let t: TestApp;
  let platform: TestSmtpServer;
  const receivers: Record<'good' | 'bad' | 'mixed', WebhookReceiver> = {} as never;
  const ids: Record<string, string> = {};
  let browser: Browser;

  const send = async (to: string) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'amelia@sakura.com',
      to: [to],
      subject: 'Hello',
      text: 'Hi',
    });
    expect(res.status).toBe(202);
  };
  const tried = async (name: string) =>
    (await t.call('GET', `/api/v1/webhooks/endpoints/${ids[name]}/deliveries`)).body.items.filter(
      (d: { attempts: number }) => d.attempts > 0,
    ).length;

  beforeAll(async () => {
    assertConsoleBuilt();
    platform = await startSmtpServer({ mode: 'plain' });
    for (const name of ['good', 'bad', 'mixed'] as const) receivers[name] = await startWebhookReceiver();
    receivers.bad.status = 500;
    t = await startTestApp('sqlite', {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    for (const name of ['good', 'bad', 'mixed'] as const) {
      const res = await t.call('POST', '/api/v1/webhooks/endpoints', {
        url: receivers[name].url(`/${name}`),
        events: ['delivery.sent'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ health: 'ok', recentDeliveries: 0, recentFailures: 0 });
      ids[name] = res.body.id;
    }
    await send('one@example.net');
    await until(
      async () => (await tried('mixed')) === 1 && (await tried('bad')) === 1,
      15_000,
      'first events',
    );
    receivers.mixed.status = 500;
    await send('two@example.net');
    await until(
      async () => (await tried('mixed')) === 2 && (await tried('bad')) === 2,
      15_000,
      'second events',
    );
    browser = await launch();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await platform?.close();
    for (const r of Object.values(receivers)) await r?.close();
  });

  it('gives each endpoint its health in the API', async () => {
    const items = (await t.call('GET', '/api/v1/webhooks/endpoints')).body.items as {
      id: string;
      health: string;
      recentDeliveries: number;
      recentFailures: number;
    }[];
    const of = (name: string) => items.find((e) => e.id === ids[name]);
    expect(of('good')).toMatchObject({ health: 'ok', recentDeliveries: 2, recentFailures: 0 });
    expect(of('bad')).toMatchObject({ health: 'failing', recentDeliveries: 2, recentFailures: 2 });
    expect(of('mixed')).toMatchObject({ health: 'degraded', recentDeliveries: 2, recentFailures: 1 });
    expect((await t.call('GET', `/api/v1/webhooks/endpoints/${ids.bad}`)).body.health).toBe('failing');
  });

  const row = (page: Page, name: string) => page.locator('tr', { hasText: `/${name}` });

  it('shows the badges in English at desktop width', async () => {
    const page = await openPage(browser, 'en-US');
    await signIn(page, t.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${t.url}/webhooks`);
    await visible(row(page, 'good').getByText('enabled', { exact: true }));
    await visible(row(page, 'bad').getByText('Failing', { exact: true }));
    await visible(row(page, 'mixed').getByText('Some failing (1 of the last 2)'));
    await page.context().close();
  });

  it('shows the badges in Japanese at 390 px', async () => {
    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/webhooks`);
    await visible(row(page, 'good').getByText('有効', { exact: true }));
    await visible(row(page, 'bad').getByText('失敗中', { exact: true }));
    await visible(row(page, 'mixed').getByText('一部失敗（直近 2 件中 1 件）'));
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });
});
