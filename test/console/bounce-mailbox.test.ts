/**
 * The bounce mailbox of a relay whose return path is a fixed address, set up in the relay form in
 * a real browser against a real mailroute and a private Dovecot: the API's field error beside the
 * password, a wrong password's poll error, a poll that reads a message, the stored password kept
 * when the field is left empty and never rendered back, a member's read-only view, and removal.
 */
import { ImapFlow } from 'imapflow';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { startImapServer, type TestImapServer } from '../helpers/imap-server.js';
import {
  assertConsoleBuilt,
  chromiumMissing,
  launch,
  openPage,
  screenshot,
  signIn,
  visible,
} from './browser.js';
import { signInMember } from './member.js';

const ADDRESS = 'bounce@sakura.com';
const PASSWORD = 'mailbox password 1';
const WRONG = 'not the mailbox password';

const started = await startImapServer([{ user: ADDRESS, password: PASSWORD }]);
const imap: TestImapServer | undefined = 'server' in started ? started.server : undefined;
if ('skip' in started) console.warn(`console bounce mailbox tests skipped: ${started.skip}`);

async function appendNote(): Promise<void> {
  const c = new ImapFlow({
    host: imap!.host,
    port: imap!.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: ADDRESS, pass: PASSWORD },
    logger: false,
  });
  await c.connect();
  try {
    await c.append(
      'INBOX',
      ['From: someone@example.net', `To: ${ADDRESS}`, 'Subject: Just a note', '', 'Not a bounce.', ''].join(
        '\r\n',
      ),
    );
  } finally {
    await c.logout();
  }
}

describe.skipIf(chromiumMissing || !imap)('the bounce mailbox in the relay form', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let relayId: string;
  let platformRelayId: string;
  let section: Locator;

  const mailbox = () => t.call('GET', `/api/v1/relays/${relayId}/bounce-mailbox`);

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite', { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = (name: string, bounceHandling: unknown) =>
      t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port: 2525,
        security: 'none',
        dailyLimit: 100,
        domainId,
        emailTypes: ['workflow'],
        bounceHandling,
      });
    const fixed = await relay('Fixed return path', { mode: 'address', address: ADDRESS });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
    relayId = fixed.body.id;
    platformRelayId = (await relay('Managed bounces', { mode: 'platform' })).body.id;
    browser = await launch();
    page = await openPage(browser, 'en-US');
    await signIn(page, `${t.url}/relays/${relayId}`, ADMIN_EMAIL, ADMIN_PASSWORD);
    section = page.getByRole('group', { name: 'Bounce mailbox (IMAP, optional)' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await imap?.close();
  });

  it('asks to save the relay first when its saved return path is not a fixed address', async () => {
    const other = await openPage(browser, 'en-US');
    await signIn(other, `${t.url}/relays/${platformRelayId}`, ADMIN_EMAIL, ADMIN_PASSWORD);
    await visible(other.getByRole('heading', { name: 'Edit server: Managed bounces' }));
    await other.getByRole('checkbox', { name: 'Manage bounces in mailroute' }).uncheck();
    await other
      .getByRole('radio', { name: 'Use a specific address on the domain as the return path' })
      .check();
    await visible(other.getByText('Save the relay with this return-path address first'));
    expect(await other.getByRole('group', { name: 'Bounce mailbox (IMAP, optional)' }).count()).toBe(0);
    await other.context().close();
  });

  it('shows the API’s field error beside the password until one is given', async () => {
    await visible(section.getByText('No mailbox is set up for this address.'));
    expect(await section.getByLabel('User name', { exact: true }).inputValue()).toBe(ADDRESS);
    await section.getByLabel('IMAP server', { exact: true }).fill(imap!.host);
    await section.getByLabel('Port', { exact: true }).fill(String(imap!.port));
    await section.getByLabel('Connection security', { exact: true }).selectOption('none');
    await section.getByRole('checkbox', { name: 'Poll this mailbox regularly' }).uncheck();
    await section.getByRole('button', { name: 'Save mailbox' }).click();

    const password = section.locator('.field', { has: page.getByLabel('Password', { exact: true }) });
    await visible(password.locator('.field-error', { hasText: 'is required (none is stored yet)' }));
    expect(await section.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await mailbox()).status).toBe(404);
  });

  it('saves a wrong password without showing it, and shows the poll’s error', async () => {
    await section.getByLabel('Password', { exact: true }).fill(WRONG);
    await section.getByRole('button', { name: 'Save mailbox' }).click();
    await visible(section.getByText('The mailbox settings were saved.'));
    const saved = await mailbox();
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      host: imap!.host,
      port: imap!.port,
      security: 'none',
      mailbox: 'INBOX',
      enabled: false,
      authentication: { type: 'password', username: ADDRESS, passwordSet: true },
    });
    expect(await section.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await visible(section.getByText('A password is saved; leave empty to keep it.'));

    await section.getByRole('button', { name: 'Poll now' }).click();
    await visible(section.getByText(/^The poll failed: /));
    const failed = await mailbox();
    expect(failed.body.status.lastError).toEqual(expect.any(String));
    await visible(section.locator('dd', { hasText: failed.body.status.lastError }));
    expect(await page.content()).not.toContain(WRONG);
  });

  it('takes a new password with Enter, without saving the relay, and polls the mailbox now', async () => {
    const relayBefore = (await t.call('GET', `/api/v1/relays/${relayId}`)).body.updatedAt;
    await appendNote();
    await section.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await section.getByLabel('Password', { exact: true }).press('Enter');
    await visible(section.getByText('The mailbox settings were saved.'));
    expect((await t.call('GET', `/api/v1/relays/${relayId}`)).body.updatedAt).toBe(relayBefore);

    await section.getByRole('button', { name: 'Poll now' }).click();
    await visible(section.getByText('Polled. Messages read: 1; bounces recorded: 0; not bounces: 1.'));
    const polled = (await mailbox()).body.status;
    expect(polled).toMatchObject({ lastError: null, processed: 1, notBounces: 1 });
    expect(polled.lastSuccessAt).toEqual(expect.any(String));
    await visible(section.locator('dt', { hasText: 'Messages that are not bounces' }));
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'relay-bounce-mailbox');
  });

  it('keeps the stored password when the field is left empty, and never renders it', async () => {
    await section.getByRole('checkbox', { name: 'Poll this mailbox regularly' }).check();
    await section.getByRole('button', { name: 'Save mailbox' }).click();
    await visible(section.getByText('The mailbox settings were saved.'));
    expect((await mailbox()).body).toMatchObject({
      enabled: true,
      authentication: { type: 'password', passwordSet: true },
    });
    await section.getByRole('button', { name: 'Poll now' }).click();
    await visible(section.getByText(/^Polled\. /));

    await page.reload();
    await visible(section.getByLabel('Password', { exact: true }));
    expect(await section.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(WRONG);
  });

  it('lets a member see the mailbox and its polls, in Japanese too, but change nothing', async () => {
    const member = await signInMember(t, browser, `/relays/${relayId}`);
    const view = member.getByRole('group', { name: 'Bounce mailbox (IMAP, optional)' });
    await visible(view.getByLabel('IMAP server', { exact: true }));
    expect(await view.getByLabel('IMAP server', { exact: true }).isDisabled()).toBe(true);
    expect(await view.getByLabel('Password', { exact: true }).isDisabled()).toBe(true);
    expect(await view.getByRole('button', { name: 'Save mailbox' }).count()).toBe(0);
    expect(await view.getByRole('button', { name: 'Poll now' }).count()).toBe(0);
    await visible(view.locator('dt', { hasText: 'Last successful poll' }));

    await member.getByLabel('Language').selectOption('ja');
    const ja = member.getByRole('group', { name: '不達メールのメールボックス（IMAP、任意）' });
    await visible(ja.getByLabel('IMAPサーバー', { exact: true }));
    await visible(ja.getByText('このメールボックスを定期的に確認する'));
    await member.context().close();
  });

  it('removes the mailbox after asking', async () => {
    await section.getByRole('button', { name: 'Remove mailbox' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove mailbox' }).click();
    await visible(section.getByText('The mailbox settings were removed.'));
    await visible(section.getByText('No mailbox is set up for this address.'));
    expect((await mailbox()).status).toBe(404);
  });
});
