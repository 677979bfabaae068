/**
 * The admin console in a real browser against a real mailroute: sign in, add a domain, set up a
 * relay through the form (an error from the API, then its correction), see it listed, disable and
 * enable it, test its connection to a loopback SMTP server, switch language, filter the log, and
 * a member who sees everything but can change nothing.
 */

import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import {
  assertConsoleBuilt,
  chromiumMissing,
  launch,
  loaded,
  openPage,
  screenshot,
  visible,
} from './browser.js';
import { signInMember } from './member.js';

const dataCenters = fileURLToPath(new URL('../fixtures/datacenters/seed.json', import.meta.url));

describe.skipIf(chromiumMissing)('admin console in chromium', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let dns: TestDnsServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    smtp = await startSmtpServer({ mode: 'plain' });
    dns = await startDnsServer({});
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DATACENTERS: dataCenters,
      MAILROUTE_SUBMISSION_PORT: '0',
    });
    browser = await launch();
    page = await openPage(browser, 'en-US');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  it('signs in with email and password', async () => {
    await page.goto(`${t.url}/`);
    await visible(page.getByRole('heading', { name: 'Sign in to mailroute' }));
    await screenshot(page, 'login', false);
    await page.getByLabel('Email address').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('alert'));
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The dashboard is the first page (issue 20); the relays are one link away.
    await visible(page.getByRole('heading', { name: 'Today', exact: true }));
    await page.getByRole('navigation').getByRole('link', { name: 'Email relay' }).click();
    await visible(page.getByRole('heading', { name: 'Email relay' }));
    await visible(page.getByText('No relay servers yet'));
  });

  it('adds a domain and shows its DNS records with copy buttons', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Domains' }).click();
    await page.getByLabel('Domain name').fill('sakura.com');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await visible(page.getByRole('heading', { name: 'sakura.com' }));
    await visible(page.getByText('Verification record'));
    expect(await page.getByRole('button', { name: /Copy to clipboard/ }).count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'domains');
  });

  it('creates a relay through the form, showing the API’s field error until it is corrected', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Email relay' }).click();
    await page.getByRole('link', { name: '+ New server' }).click();
    await visible(page.getByRole('heading', { name: 'Add a new server' }));
    await page.getByLabel('Server name').fill('Office relay');
    await page.getByLabel('Host name').fill('127.0.0.1');
    await page.getByLabel('Port number', { exact: true }).selectOption('other');
    await page.getByLabel('Other port number').fill(String(smtp.port));
    await page.getByLabel('Daily limit of emails').fill('999999');
    await page.getByRole('radio', { name: 'None' }).check();
    expect(await page.getByLabel('Domain for this server').inputValue()).not.toBe('');
    await visible(page.getByText('Public key: publish this TXT record'));
    await page
      .getByRole('group', { name: 'Authentication required' })
      .getByRole('radio', { name: 'No' })
      .check();
    await page.getByRole('button', { name: 'Set up' }).click();

    const limit = page.getByLabel('Daily limit of emails');
    await visible(page.getByText(/must be at most 5000/));
    expect(await limit.getAttribute('aria-invalid')).toBe('true');
    await visible(page.getByText('Please correct the fields marked below.'));
    await screenshot(page, 'relay-form-error');

    await limit.fill('500');
    expect(await limit.getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('button', { name: 'Set up' }).click();
    await visible(page.getByText('The relay server was set up.'));
    const row = page.locator('tr[data-relay="Office relay"]');
    await visible(row);
    expect(await row.textContent()).toContain(`127.0.0.1:${smtp.port}`);
    expect(await row.textContent()).toContain('sakura.com');
    expect(await row.textContent()).toContain('0 of 500');
    expect(await row.textContent()).toContain('Active');
  });

  it('disables and enables the relay from the list', async () => {
    const row = page.locator('tr[data-relay="Office relay"]');
    await row.getByRole('button', { name: 'Disable' }).click();
    await visible(row.getByText('Disabled', { exact: true }));
    await row.getByRole('button', { name: 'Enable' }).click();
    await visible(row.getByText('Active', { exact: true }));
  });

  it('tests the connection to the loopback SMTP server step by step', async () => {
    const row = page.locator('tr[data-relay="Office relay"]');
    await row.getByRole('button', { name: 'Test connection' }).click();
    await visible(page.getByText('The relay accepted the test (no mail was sent).'));
    for (const step of ['dns', 'tcp', 'ehlo', 'mail']) {
      await visible(page.locator(`li[data-step="${step}"].ok`));
    }
    await screenshot(page, 'relays');
  });

  it('shows the relay’s warnings and the authentication check on its page', async () => {
    await page.getByRole('link', { name: 'Office relay' }).click();
    await visible(page.getByRole('heading', { name: 'Edit server: Office relay' }));
    await visible(page.getByRole('heading', { name: 'Warnings' }));
    await visible(page.getByRole('heading', { name: 'Email authentication' }));
    // What the panel must show: the server's own check of this relay.
    const relays = (await t.call('GET', '/api/v1/relays')).body.items;
    const relayId = relays.find((r: { name: string }) => r.name === 'Office relay').id;
    const check = await t.call('GET', `/api/v1/relays/${relayId}/authentication`);
    expect(check.status).toBe(200);
    const panel = page.locator('.auth-check');
    await panel.locator('table, .error, .not-available').first().waitFor({ timeout: 20_000 });
    expect(await panel.locator('.error, .not-available').count(), (await panel.textContent()) ?? '').toBe(0);
    const table = panel.locator('table');
    expect(await panel.textContent()).toContain(`Return path: ${check.body.returnPath}`);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(check.body.hops.length + 2);
    for (const [i, hop] of check.body.hops.entries()) {
      const row = (await rows.nth(i).textContent()) ?? '';
      expect(row).toContain(hop.spf.result);
      expect(row).toContain(hop.spf.domain);
    }
    expect(await rows.nth(check.body.hops.length).textContent()).toContain(
      `Signing: ${check.body.dkim.signing ? 'Yes' : 'No'}`,
    );
    expect(await rows.nth(check.body.hops.length + 1).textContent()).toContain(check.body.dmarc.result);
    const findings = panel.locator('ul.findings > li');
    expect(check.body.findings.length).toBeGreaterThan(0);
    expect(await findings.count()).toBe(check.body.findings.length);
    for (const [i, finding] of check.body.findings.entries())
      expect(await findings.nth(i).textContent()).toContain(finding.message.en);
    await screenshot(page, 'relay-edit');
  });

  it('filters the message log by recipient and status', async () => {
    const sent = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'amelia@sakura.com',
      to: ['alice@example.net', 'bob@example.org'],
      subject: 'Your order has shipped',
      text: 'Hello',
    });
    expect(sent.status).toBe(202);
    await page.getByRole('navigation').getByRole('link', { name: 'Message log' }).click();
    await visible(page.locator('tr[data-recipient="alice@example.net"]'));
    await visible(page.locator('tr[data-recipient="bob@example.org"]'));
    await page.getByLabel('Recipient', { exact: true }).fill('bob@example.org');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('tr[data-recipient="alice@example.net"]').waitFor({ state: 'detached' });
    await visible(page.locator('tr[data-recipient="bob@example.org"]'));
    expect(page.url()).toContain('recipient=bob%40example.org');

    await page.getByLabel('Status', { exact: true }).selectOption('bounced');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await visible(page.getByText('No messages match.'));
    await page.getByRole('button', { name: 'Clear' }).click();
    await visible(page.locator('tr[data-recipient="alice@example.net"]'));
    await screenshot(page, 'messages');

    await page.getByRole('link', { name: 'alice@example.net' }).click();
    await visible(page.getByRole('heading', { name: 'Your order has shipped' }));
    await visible(page.getByRole('heading', { name: 'Recipients' }));
    await screenshot(page, 'message-detail');
  });

  it('switches to Japanese with the seed’s terms, and keeps the choice', async () => {
    await page.getByLabel('Language').selectOption('ja');
    await visible(page.getByRole('navigation').getByRole('link', { name: 'メールリレー' }));
    await visible(page.getByRole('link', { name: '← 送信履歴に戻る' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.goto(`${t.url}/relays/new`);
    await visible(page.getByRole('heading', { name: '新しいサーバーの追加' }));
    for (const label of ['サーバー名', 'ポート番号', '1日あたりのメール数の上限', 'このサーバーのドメイン']) {
      await visible(page.getByLabel(label, { exact: true }));
    }
    for (const text of [
      'SSL接続',
      'メールの種類',
      'DKIM認証',
      'mailrouteで不達メールを管理する',
      '認証の有無',
    ]) {
      await visible(page.getByText(text, { exact: true }));
    }
    await screenshot(page, 'relay-form-ja');
    await page.goto(`${t.url}/relays`);
    await visible(page.getByRole('heading', { name: 'メールリレー' }));
    await screenshot(page, 'relays-ja');
    await page.getByLabel('言語').selectOption('en');
    await visible(page.getByRole('heading', { name: 'Email relay' }));
  });

  it('shows the data centers’ normalized ranges and checks an address', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'IP allow-list' }).click();
    const japan = page.locator('section.datacenter', { has: page.getByRole('heading', { name: 'Japan' }) });
    await visible(japan);
    expect(await japan.locator('pre.ranges').first().textContent()).toContain('103.163.152.0/23');
    await japan.getByLabel('Format').selectOption('postfix');
    await visible(japan.getByText(/mynetworks = /));
    await japan.getByLabel('IP address').fill('103.163.153.200');
    await japan.getByRole('button', { name: 'Check' }).click();
    await visible(japan.getByText('103.163.153.200 is in 103.163.152.0/23.'));
  });

  it('shows the other pages without errors', async () => {
    const pages: [string, string, string][] = [
      ['/ip-allow-list', 'IP allow-list', 'ip-allow-list'],
      ['/destinations', 'Destinations', 'destinations'],
      ['/reports', 'Reports', 'reports'],
      ['/suppressions', 'Suppressions', 'suppressions'],
      ['/notifications', 'Notifications', 'notifications'],
      ['/audit-log', 'Audit log', 'audit-log'],
      ['/api-keys', 'API keys', 'api-keys'],
      ['/users', 'Users', 'users'],
      ['/settings', 'Settings', 'settings'],
    ];
    for (const [path, heading, shot] of pages) {
      await page.getByRole('navigation').getByRole('link', { name: heading, exact: true }).click();
      await visible(page.getByRole('heading', { name: heading, level: 1 }));
      await loaded(page);
      expect(page.url()).toContain(path);
      expect(await page.locator('.state.error').count()).toBe(0);
      await screenshot(page, shot);
    }
  });

  it('creates an API key and shows it once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('CRM workflows');
    await page.getByLabel('Email type over SMTP').selectOption('workflow');
    await page.getByRole('button', { name: 'Create key' }).click();
    await visible(page.getByText('Copy the key now: it is shown only this once.'));
    await visible(page.getByRole('cell', { name: 'CRM workflows' }));
    await visible(page.getByRole('cell', { name: 'Workflow emails' }));
    const howTo = page.getByRole('region', { name: 'Sending over SMTP' });
    // The port this server really listens on, not the default.
    await visible(howTo.getByText(`${t.app.submission!.port} (STARTTLS)`, { exact: false }));
    await visible(howTo.getByText('from applications on the same machine only', { exact: false }));
    await visible(howTo.getByText('An API key with the role “send” (or “admin”)', { exact: false }));
    const keys = await t.call('GET', '/api/v1/api-keys');
    expect(keys.body.items.find((k: { name: string }) => k.name === 'CRM workflows').defaultType).toBe(
      'workflow',
    );
  });

  it('lets a member look but not change anything', async () => {
    const member = await signInMember(t, browser, '/relays');
    await visible(member.getByText('only administrators can change it'));
    const row = member.locator('tr[data-relay="Office relay"]');
    await visible(row);
    expect(await row.getByRole('button', { name: 'Disable' }).isDisabled()).toBe(true);
    expect(await member.getByRole('link', { name: '+ New server' }).count()).toBe(0);
    await member.context().close();
  });
});
