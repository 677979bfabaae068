/**
 * Why each delivery took its route, in the console (issue 19): a relay with a cap of one takes the
 * first of two workflow emails, and the second leaves through the platform. The message page says
 * so in plain English and Japanese, naming the relay and its cap, with every relay and why; the
 * log has the short line; at phone width it stays within the screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { assertConsoleBuilt, chromiumMissing, launch, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('route reasons in the console', () => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let platform: TestSmtpServer;
  let browser: Browser;
  let messageId: string;

  beforeAll(async () => {
    assertConsoleBuilt();
    relay = await startSmtpServer({ mode: 'plain' });
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const mass = await t.call('POST', '/api/v1/relays', {
      name: 'news relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['mass'],
    });
    expect(mass.status).toBe(201);
    const capped = await t.call('POST', '/api/v1/relays', {
      name: 'capped',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 1,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(capped.status).toBe(201);
    // One at a time, so that the first takes the relay's only slot.
    const first = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'ops@sakura.com',
      to: ['first@example.net'],
      subject: 'first',
      text: 'x',
    });
    await settled(t, first.body.id);
    const second = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'ops@sakura.com',
      to: ['second@example.net'],
      subject: 'second',
      text: 'x',
    });
    messageId = second.body.id;
    expect((await settled(t, messageId)).deliveries[0].route).toBe('platform');
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await relay?.close();
    await platform?.close();
  });

  async function open(viewport: { width: number; height: number }, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, `${t.url}${path}`, ADMIN_EMAIL, ADMIN_PASSWORD);
    return page;
  }

  it('says in English why the platform sent it, and why each relay did not', async () => {
    const page = await open({ width: 1280, height: 720 }, `/messages/${messageId}`);
    const reasons = page.getByRole('region', { name: 'Why this route' });
    await visible(reasons.getByText('Sent by mailroute: relay capped reached its cap (1/1)'));
    expect(
      await reasons.getByRole('list', { name: 'Each relay' }).getByRole('listitem').allTextContents(),
    ).toEqual(['relay capped reached its cap (1/1)', 'relay news relay does not take Workflow emails']);
    await page.goto(`${t.url}/messages`);
    const row = page.locator('tr[data-recipient="second@example.net"]');
    await visible(row.getByText('Cap reached (1/1): sent by mailroute'));
    // A plain send through a relay needs no second line: the route column names the relay.
    const firstRow = page.locator('tr[data-recipient="first@example.net"]');
    await visible(firstRow.getByText('capped'));
    expect(await firstRow.locator('.route-reason').count()).toBe(0);
    await page.context().close();
  });

  it('says it in Japanese at phone width, within the screen', async () => {
    const page = await open({ width: 390, height: 844 }, `/messages/${messageId}`);
    await page.getByLabel('Language').selectOption('ja');
    const reasons = page.getByRole('region', { name: 'この送信経路になった理由' });
    const headline = reasons.getByText('リレー「capped」が上限 (1/1) に達したため mailroute から送信');
    await visible(headline);
    const box = (await reasons.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.goto(`${t.url}/messages`);
    const line = page
      .locator('tr[data-recipient="second@example.net"]')
      .getByText('上限到達 (1/1) のため mailroute から送信');
    await visible(line);
    await page.context().close();
  });
});
