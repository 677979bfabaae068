/**
 * The DKIM record of platform delivery on the IP allow-list page (SPEC R15): shown in the org's own
 * data center, equal to what the API gives, with copy buttons that copy it; in Japanese too, and at
 * phone width the long key wraps instead of widening the page.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, signIn, visible } from './browser.js';

const dataCenters = fileURLToPath(new URL('../fixtures/datacenters/seed.json', import.meta.url));

describe.skipIf(chromiumMissing)('platform DKIM record in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let record: { name: string; value: string };

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite', { MAILROUTE_DATACENTERS: dataCenters });
    record = (await t.call('GET', '/api/v1/datacenters/jp/dkim')).body.dnsRecord;
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, `${t.url}/ip-allow-list`, ADMIN_EMAIL, ADMIN_PASSWORD);
    return page;
  }

  it('shows the record in the org’s data center, and its copy button copies the value', async () => {
    const page = await open({ width: 1280, height: 720 });
    const japan = page.locator('section.datacenter', { has: page.getByRole('heading', { name: 'Japan' }) });
    const block = japan.getByTestId('platform-dkim');
    await visible(block.getByRole('heading', { name: 'DKIM key of platform delivery' }));
    await visible(block.getByText(/Publish this TXT record in the DNS of bounces\.jp\.mailroute\.example/));
    expect(await block.locator('code').allTextContents()).toEqual(['TXT', record.name, record.value]);
    await block.getByRole('button', { name: 'Copy to clipboard: Value' }).click();
    await visible(block.getByText('Copied'));
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(record.value);
    await block.getByRole('button', { name: 'Copy to clipboard: Name' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(record.name);
    // Other data centers' keys never sign this org's mail: their cards do not show one.
    const us = page.locator('section.datacenter', {
      has: page.getByRole('heading', { name: 'United States' }),
    });
    await visible(us.getByRole('heading', { name: 'Check an IP address' }));
    expect(await us.getByTestId('platform-dkim').count()).toBe(0);
    await page.context().close();
  });

  it('shows it in Japanese at phone width, the key wrapped within the screen', async () => {
    const page = await open({ width: 390, height: 844 });
    await page.getByLabel('Language').selectOption('ja');
    const block = page.getByTestId('platform-dkim');
    await visible(block.getByRole('heading', { name: 'プラットフォーム配信のDKIM鍵' }));
    await visible(block.getByRole('button', { name: 'クリップボードにコピー: 値' }));
    const value = block.locator('code', { hasText: record.value });
    await visible(value);
    // The record has the screen's width (no side navigation beside it), wraps within it, and its
    // copy buttons stay inside the card.
    const box = (await value.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.width).toBeGreaterThan(250);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.height).toBeGreaterThan(40);
    const card = (await page.locator('section.datacenter.current').boundingBox())!;
    for (const button of await block.getByRole('button').all()) {
      const b = (await button.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(card.x + card.width);
    }
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.context().close();
  });
});
