/**
 * Debian's chromium driven by playwright-core for the console tests. When /usr/bin/chromium is not
 * installed the tests skip (CI installs it); when the console is not built they fail and say so.
 * Screenshots for the README are written only with MAILROUTE_SCREENSHOTS=1.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) {
  console.warn(`console browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const consoleIndex = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));
const screenshotDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

export function assertConsoleBuilt(): void {
  if (!existsSync(consoleIndex)) {
    throw new Error(
      'the console is not built: run `npx vite build --config web/vite.config.ts` (or npm run build)',
    );
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A page at laptop size, in the given browser language. */
export async function openPage(browser: Browser, locale: 'en-US' | 'ja-JP' = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible' });
  return locator;
}

/**
 * Waits until the page shows no loading state. A page may show several at once (the dashboard: one
 * per card). Polled from the test side: the console's Content-Security-Policy forbids the string
 * evaluation that page.waitForFunction needs in the page.
 */
export async function loaded(page: Page, timeoutMs = 15_000): Promise<void> {
  const loading = page.locator('.state.loading');
  const until = Date.now() + timeoutMs;
  while ((await loading.count()) > 0) {
    if (Date.now() > until)
      throw new Error(`${page.url()} still shows a loading state after ${timeoutMs} ms`);
    await page.waitForTimeout(50);
  }
}

/**
 * A link of the main menu, opening the menu first where it is collapsed behind its button (below
 * 600 px wide).
 */
export async function menuLink(page: Page, name: string): Promise<Locator> {
  const nav = page.getByRole('navigation');
  const toggle = nav.locator('button.menu-toggle');
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true')
    await toggle.click();
  return nav.getByRole('link', { name, exact: true });
}

/** Opens `url` and signs in through the login form (English labels), waiting for the console. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('navigation'));
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (process.env.MAILROUTE_SCREENSHOTS !== '1') return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage });
}
