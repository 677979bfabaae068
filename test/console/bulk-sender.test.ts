/**
 * The bulk-sender rules in the console (issue 17), in chromium against a real mailroute: an admin
 * imports a CSV of suppressions, filters the list by scope and reason, downloads the export; on the
 * reports page sees the complaint rate and resumes paused mass email; all at 390 px width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { assertConsoleBuilt, chromiumMissing, launch, signIn, visible } from './browser.js';

describe.skipIf(chromiumMissing)('bulk-sender rules in the console', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    dns = await startDnsServer({});
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, `${t.url}/`, ADMIN_EMAIL, ADMIN_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dns?.close();
  });

  const rows = () => page.locator('tbody tr');

  it('imports a CSV, filters by scope and reason, and exports', async () => {
    await page.goto(`${t.url}/suppressions`);
    await page.getByLabel('Import CSV').setInputFiles({
      name: 'list.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('address,reason\nleft@example.net,unsubscribe\ngone@example.net,hard-bounce\n'),
    });
    await visible(page.getByText('2 added, 0 already on the list.'));
    await visible(page.getByRole('cell', { name: 'left@example.net' }));
    expect(await rows().count()).toBe(2);

    await page.getByLabel('Stops').selectOption('mass');
    await visible(page.getByRole('cell', { name: 'Mass emails only' }));
    await expect.poll(() => rows().count()).toBe(1);
    await expect(rows().first().textContent()).resolves.toContain('Unsubscribed');

    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toBe('/api/v1/suppressions/export.csv?scope=mass');
    const exported = await page.request.get(`${t.url}${href}`);
    expect(exported.status()).toBe(200);
    expect(parseCsv(await exported.text()).map((r) => r[0])).toEqual(['address', 'left@example.net']);

    await page.getByLabel('Stops').selectOption('');
    await page.getByLabel('Reason').selectOption('hard-bounce');
    await expect.poll(() => rows().count()).toBe(1);
    await expect(rows().first().textContent()).resolves.toContain('gone@example.net');

    // A bad line: the field shows the API's message, nothing is added.
    await page.getByLabel('Import CSV').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('address\nnot-an-address\n'),
    });
    await visible(page.getByText('line 2: "not-an-address" is not an email address'));
    expect((await t.call('GET', '/api/v1/suppressions')).body.items).toHaveLength(2);
    // The new controls fit the narrow screen (the table scrolls on its own).
    for (const label of ['Import CSV', 'Stops', 'Reason']) {
      const box = (await page.getByLabel(label).boundingBox())!;
      expect(box.x + box.width, label).toBeLessThanOrEqual(390);
    }
    const link = (await page.getByRole('link', { name: 'Export CSV' }).boundingBox())!;
    expect(link.x + link.width).toBeLessThanOrEqual(390);
  });

  it('shows the complaint rate with the reports and resumes paused mass email', async () => {
    // The guard's pause as it writes it (its own test crosses 0.3% with real ARF reports).
    const { orgId } = (await t.call('GET', '/api/auth/me')).body;
    await t.app.ctx.store.db
      .insertInto('mass_pauses')
      .values({
        org_id: orgId,
        day: '2026-01-01',
        complaints: 4,
        delivered: 1000,
        paused_at: t.clock.now(),
      })
      .execute();
    await page.goto(`${t.url}/reports`);
    const card = page.getByTestId('complaint-rate');
    await visible(card.getByText(/0 complaints in 0 delivered mass emails/));
    await visible(card.getByText(/Mass email is paused since .* \(complaint rate 0\.40%\)/));
    await card.getByRole('button', { name: 'Resume mass email' }).click();
    await card.getByRole('button', { name: 'Resume mass email' }).waitFor({ state: 'detached' });
    expect((await t.call('GET', '/api/v1/reports/complaint-rate')).body.paused).toBeNull();
  });

  it('checks a domain against the bulk-sender rules and shows the record to publish', async () => {
    expect((await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
    await page.goto(`${t.url}/domains`);
    await page.getByRole('button', { name: 'Check the bulk-sender rules' }).click();
    const findings = page.getByRole('list', { name: 'Bulk-sender rules' });
    await visible(findings.getByText('_dmarc.sakura.com TXT v=DMARC1; p=none'));
    await visible(
      findings.getByText(
        /Gmail, Yahoo and Outlook\.com bulk-sender requirements: the From domain publishes a DMARC record/,
      ),
    );
    const box = (await findings.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  });
});
