/**
 * The destinations page (issue 21), in Japanese at phone width: every rule in force with its
 * connections, rate and the pause a pushback set with its reply; a platform admin resumes it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseDestination } from '../../src/store/repos/destination-states.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, menuLink } from './browser.js';

describe.skipIf(chromiumMissing)('the destinations page', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite', { MAILROUTE_PLATFORM_ADMIN_ORGS: 'default' });
    const now = t.clock.now();
    await pauseDestination(t.app.ctx.store.db, 'docomo', now + 15 * 60_000, '421 4.7.0 too busy', now);
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ja-JP' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.locator('button.menu-toggle').waitFor();
    // At phone width the menu opens from its button first.
    await (await menuLink(page, '配信先')).click();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('lists the rules with their state within 390 px, and resumes a paused destination', async () => {
    await page.getByRole('heading', { name: '配信先', level: 1 }).waitFor();
    const docomo = page.locator('section.destination', {
      has: page.getByRole('heading', { name: 'docomo' }),
    });
    await docomo.getByText('一時停止中').waitFor();
    await docomo.getByText('421 4.7.0 too busy').waitFor();
    await page
      .locator('section.destination', { has: page.getByRole('heading', { name: 'gmail' }) })
      .waitFor();
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await docomo.getByRole('button', { name: '今すぐ再開' }).click();
    await docomo.getByText('送信中').waitFor();
    const state = await t.app.ctx.store.db
      .selectFrom('destination_states')
      .selectAll()
      .where('destination', '=', 'docomo')
      .executeTakeFirstOrThrow();
    expect(state.paused_until).toBeNull();
  });
});
