/**
 * A server whose clock disagrees with the browser's must not sign users out. The server here runs
 * three days behind the machine's clock (and then a day ahead): with a cookie whose Expires date
 * came from the server's clock, Chromium would drop it at once and the first API call would answer
 * "sign in"; with Max-Age the browser counts the session's lifetime on its own clock.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { assertConsoleBuilt, chromiumMissing, launch, openPage, signIn, visible } from './browser.js';

const DAY_MS = 86_400_000;

describe.skipIf(chromiumMissing)('console session with the server clock off the browser clock', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite');
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const [label, skew] of [
    ['three days behind', -3 * DAY_MS],
    ['a day ahead', DAY_MS],
  ] as const) {
    it(`keeps the user signed in when the server's clock is ${label}`, async () => {
      t.clock.ms = Date.now() + skew;
      page = await openPage(browser, 'en-US');
      await signIn(page, `${t.url}/settings`, ADMIN_EMAIL, ADMIN_PASSWORD);
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'mailroute_session');
      expect(session, 'the browser kept the session cookie').toBeDefined();
      // Playwright reports the expiry in seconds since the epoch, as the browser computed it.
      expect(session!.expires * 1000).toBeGreaterThan(Date.now() + 11 * 3_600_000);
      // An API call the page makes after sign-in succeeds: the settings form shows its time zone.
      await visible(page.getByLabel('Time zone'));
      await page.reload();
      await visible(page.getByLabel('Time zone'));
      await page.context().close();
    });
  }
});
