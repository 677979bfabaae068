/**
 * The retry schedules on the console's settings page (issue 21): in Japanese at 390 px, an out of
 * range maximum age shows the API's error in Japanese and saves nothing; valid waits and a maximum
 * age per type are saved through the API; in English the defaults show (mass email 24 h).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('retry schedules in the console', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite');
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function settingsPage(locale: 'en-US' | 'ja-JP', width: number) {
    const page = await openPage(browser, locale);
    await page.setViewportSize({ width, height: 844 });
    await page.goto(`${t.url}/`);
    if (locale === 'en-US') await signIn(page, `${t.url}/`, ADMIN_EMAIL, ADMIN_PASSWORD);
    else {
      await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
      await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'ログイン' }).click();
      await visible(page.getByRole('navigation'));
    }
    await page.goto(`${t.url}/settings`);
    return page;
  }

  it('edits them in Japanese at 390 px, with the field errors in Japanese', async () => {
    const page = await settingsPage('ja-JP', 390);
    const mass = page.getByRole('group', { name: '一斉メール' });
    await mass.getByLabel('最大保持時間（時間）').fill('0');
    await page.getByRole('button', { name: '保存' }).click();
    await visible(mass.getByText('1〜168の整数を入力してください。'));
    expect((await t.call('GET', '/api/v1/settings')).body.retrySchedules.mass.maxAgeHours).toBe(24);
    await mass.getByLabel('最大保持時間（時間）').fill('12');
    await mass.getByLabel('再試行の間隔（分）').fill('2, 10, 30');
    await page.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText('保存しました。'));
    const saved = (await t.call('GET', '/api/v1/settings')).body.retrySchedules;
    expect(saved.mass).toEqual({ delaysMinutes: [2, 10, 30], maxAgeHours: 12 });
    expect(saved.workflow.maxAgeHours).toBe(72);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });

  it('shows the schedules in English at desktop width', async () => {
    const page = await settingsPage('en-US', 1280);
    await visible(page.getByRole('group', { name: 'Retries' }));
    const individual = page.getByRole('group', { name: 'Individual' });
    expect(await individual.getByLabel('Maximum age (hours)').inputValue()).toBe('72');
    expect(await individual.getByLabel('Waits between attempts (minutes)').inputValue()).toBe(
      '1, 5, 15, 60, 240',
    );
    await page.context().close();
  });
});
