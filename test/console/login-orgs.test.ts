/**
 * Sign-in when one email and password open several orgs: the console lists those orgs (the API's
 * 409) and enters the one chosen; in English at laptop size and in Japanese at phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, visible } from './browser.js';

const EMAIL = 'kenji@shared.example';
const PASSWORD = 'one password for two orgs';
const LONG_NAME = 'sakura-kabushiki-kaisha-tokyo-headquarters-marketing-division';

describe.skipIf(chromiumMissing)('choosing the org at sign-in in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let orgB: string;
  let orgA: string;

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite');
    orgA = (await t.call('GET', '/api/auth/me')).body.orgId;
    const org = await createOrg(t.app.ctx, { name: LONG_NAME });
    orgB = org.id;
    const actor: Principal = { kind: 'api_key', id: 'test', orgId: org.id, role: 'admin', label: 'test' };
    const keyB = (await createApiKey(t.app.ctx, actor, { name: 'b', role: 'admin' })).key;
    for (const key of [undefined, keyB]) {
      const res = await t.call(
        'POST',
        '/api/v1/users',
        { email: EMAIL, name: 'Kenji', role: 'admin', password: PASSWORD },
        key,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(viewport: { width: number; height: number }, locale: 'en-US' | 'ja-JP'): Promise<Page> {
    const context = await browser.newContext({ viewport, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(t.url);
    return page;
  }
  const signedInOrg = (page: Page) =>
    page.evaluate<string>("fetch('/api/auth/me').then((r) => r.json()).then((me) => me.orgId)");

  it('lists the orgs and enters the one chosen', async () => {
    const page = await open({ width: 1280, height: 720 }, 'en-US');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(
      page.getByText('This email address and password belong to several organizations.', { exact: false }),
    );
    const group = page.getByRole('group', { name: 'Organization' });
    expect(await group.getByRole('radio').count()).toBe(2);
    await group.getByLabel(LONG_NAME).check();
    await page.getByRole('button', { name: 'Sign in to this organization' }).click();
    await visible(page.getByRole('navigation'));
    expect(await signedInOrg(page)).toBe(orgB);
    await page.context().close();
  });

  it('asks in Japanese at phone width, within the screen', async () => {
    const page = await open({ width: 390, height: 844 }, 'ja-JP');
    await page.getByLabel('メールアドレス').fill(EMAIL);
    await page.getByLabel('パスワード').fill(PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByText('ログインする組織を選んでください', { exact: false }));
    const group = page.getByRole('group', { name: '組織' });
    const long = group.getByLabel(LONG_NAME);
    await visible(long);
    const box = (await page.locator('.login-orgs').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await group.getByLabel('default').check();
    await page.getByRole('button', { name: 'この組織にログイン' }).click();
    await visible(page.getByRole('navigation'));
    expect(await signedInOrg(page)).toBe(orgA);
    await page.context().close();
  });

  it('says how long to wait when sign-in is throttled', async () => {
    const page = await open({ width: 1280, height: 720 }, 'en-US');
    await page.getByLabel('Email address').fill('nobody@shared.example');
    await page.getByLabel('Password').fill('a wrong guess');
    const attempt = async () => {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      return res.status();
    };
    for (let i = 0; i < 5; i++) expect(await attempt()).toBe(401);
    await visible(page.getByText('Sign-in failed: wrong email or password'));
    expect(await attempt()).toBe(429);
    await visible(page.getByRole('alert').getByText('Too many failed sign-ins. Try again in 15 seconds.'));
    await page.context().close();
  });
});
