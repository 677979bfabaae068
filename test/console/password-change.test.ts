/**
 * Changing one's own password in the console, in Japanese at 390 px and in English at desktop
 * width: the API's field errors show in the user's language, a change signs out the user's other
 * browser and keeps this one, and the new password is the one that signs in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

const noSideways = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

describe.skipIf(chromiumMissing)('own password change in the console', () => {
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

  it('changes the password in Japanese at 390 px and signs out the other browser', async () => {
    const email = 'hanako@example.test';
    const first = 'first password 1';
    expect(
      (await t.call('POST', '/api/v1/users', { email, name: '花子', role: 'member', password: first }))
        .status,
    ).toBe(201);
    const other = await openPage(browser, 'en-US');
    await signIn(other, t.url, email, first);

    const page = await openPage(browser, 'ja-JP');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('パスワード').fill(first);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
    await page.goto(`${t.url}/settings`);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'パスワードの変更' }) });
    await visible(form);
    await form.getByLabel('現在のパスワード').fill('not it at all');
    await form.getByLabel('新しいパスワード').fill('short');
    await form.getByRole('button', { name: 'パスワードを変更' }).click();
    await visible(form.getByText('8文字以上で入力してください。', { exact: true }));
    await form.getByLabel('新しいパスワード').fill('second password 2');
    await form.getByRole('button', { name: 'パスワードを変更' }).click();
    await visible(form.getByText('現在のパスワードが正しくありません。'));
    await form.getByLabel('現在のパスワード').fill(first);
    await form.getByRole('button', { name: 'パスワードを変更' }).click();
    await visible(form.getByText('パスワードを変更しました。ほかのログイン 1 件をログアウトしました。'));
    expect(await noSideways(page)).toBe(true);

    // This browser stays signed in; the other one is sent back to the sign-in form.
    await page.reload();
    await visible(page.getByRole('heading', { name: 'パスワードの変更' }));
    await other.goto(`${t.url}/settings`);
    await visible(other.getByRole('button', { name: 'Sign in' }));
    await signIn(other, t.url, email, 'second password 2');
    await other.context().close();
    await page.context().close();
  });

  it('shows the form in English at desktop width', async () => {
    const page = await openPage(browser, 'en-US');
    const email = 'taro@example.test';
    expect(
      (
        await t.call('POST', '/api/v1/users', {
          email,
          name: 'Taro',
          role: 'admin',
          password: 'taro password 1',
        })
      ).status,
    ).toBe(201);
    await signIn(page, t.url, email, 'taro password 1');
    await page.goto(`${t.url}/settings`);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Your password' }) });
    await form.getByLabel('Current password').fill('taro password 1');
    await form.getByLabel('New password').fill('taro password 1');
    await form.getByRole('button', { name: 'Change password' }).click();
    await visible(form.getByText('Choose a password different from the current one.'));
    await form.getByLabel('New password').fill('taro password 2');
    await form.getByRole('button', { name: 'Change password' }).click();
    await visible(form.getByText('Your password was changed. 0 other sessions were signed out.'));
    expect(await noSideways(page)).toBe(true);
    await page.context().close();
  });
});
