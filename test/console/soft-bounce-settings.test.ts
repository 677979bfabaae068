/**
 * The soft-bounce suppression settings on the console's settings page: in Japanese at 390 px a value
 * out of range shows the API's field error in Japanese beside its field, and valid values are saved
 * through the API; in English at desktop width the saved values and their explanation show.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('soft-bounce settings in the console', () => {
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

  it('edits them in Japanese at 390 px, with the field errors in Japanese', async () => {
    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/settings`);
    // The org's time zone (the default, Asia/Tokyo) is named in Japanese with its offset, after its id.
    expect((await t.call('GET', '/api/v1/settings')).body.timeZone).toBe('Asia/Tokyo');
    const shown = await page.getByLabel('タイムゾーン').locator('option:checked').textContent();
    expect(shown).toBe('Asia/Tokyo — 日本標準時 (GMT+9)');
    const group = page.getByRole('group', { name: 'ソフトバウンス' });
    await visible(group.getByText('7日以内にソフトバウンス', { exact: false }));
    await group.getByLabel('送信停止までのソフトバウンス回数').fill('0');
    await group.getByLabel('集計期間（日）').fill('400');
    await page.getByRole('button', { name: '保存' }).click();
    await visible(group.getByText('1〜100の整数を入力してください。'));
    await visible(group.getByText('1〜365の整数を入力してください。'));
    expect((await t.call('GET', '/api/v1/settings')).body.softBounceThreshold).toBe(3);
    await group.getByLabel('送信停止までのソフトバウンス回数').fill('5');
    await group.getByLabel('集計期間（日）').fill('14');
    await page.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText('保存しました。'));
    await visible(
      group.getByText('14日以内にソフトバウンス（メールボックス容量超過、一時的なエラー）が 5 回'),
    );
    const saved = (await t.call('GET', '/api/v1/settings')).body;
    expect([saved.softBounceThreshold, saved.softBounceWindowDays]).toEqual([5, 14]);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });

  it('shows the saved values in English at desktop width', async () => {
    expect(
      (await t.call('PATCH', '/api/v1/settings', { softBounceThreshold: 1, softBounceWindowDays: 30 }))
        .status,
    ).toBe(200);
    const page = await openPage(browser, 'en-US');
    await signIn(page, t.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${t.url}/settings`);
    const group = page.getByRole('group', { name: 'Soft bounces' });
    await visible(
      group.getByText(
        'An address is suppressed after 1 soft bounce (full mailbox, temporary failure) within 30 days.',
      ),
    );
    expect(await group.getByLabel('Soft bounces before suppression').inputValue()).toBe('1');
    expect(await group.getByLabel('Counted within (days)').inputValue()).toBe('30');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.context().close();
  });
});
