/**
 * The content-rules page in a real browser against a real mailroute: an admin adds a rule (the
 * API's field errors shown beside their fields until corrected), edits, disables and deletes it,
 * each result checked through the API; a member sees the rules, in Japanese too, but changes none.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
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

/** The `.field` holding the control labelled `label`: its error is shown there. */
const fieldOf = (page: Page, label: string): Locator =>
  page.locator('.field', { has: page.getByLabel(label, { exact: true }) });

async function rules(t: TestApp): Promise<any[]> {
  const res = await t.call('GET', '/api/v1/content-rules');
  expect(res.status).toBe(200);
  return res.body.items;
}

describe.skipIf(chromiumMissing)('content rules in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertConsoleBuilt();
    t = await startTestApp('sqlite');
    browser = await launch();
    page = await openPage(browser, 'en-US');
    await signIn(page, `${t.url}/`, ADMIN_EMAIL, ADMIN_PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is in the menu and starts empty', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Content rules' }).click();
    await visible(page.getByRole('heading', { name: 'Content rules', level: 1 }));
    await visible(page.getByText('No content rules: mail goes out as it was submitted.'));
  });

  it('shows the API’s field errors beside their fields, then adds the corrected rule', async () => {
    await page.getByRole('button', { name: '+ New rule' }).click();
    const form = page.getByRole('form', { name: 'New content rule' });
    await visible(form);
    await form.getByLabel('Rule name', { exact: true }).fill('Partner notice');
    await form.getByLabel('Order', { exact: true }).fill('5');
    await form.getByRole('radio', { name: 'Notice (above the message)' }).check();
    await form.getByRole('checkbox', { name: 'Mass emails' }).uncheck();
    await form.getByLabel('Recipient domains', { exact: true }).fill('Partner.Example\nbad_domain.example');
    await form.getByLabel('Text', { exact: true }).fill('Confidential: for {{company}} only.');
    await form.getByLabel('HTML (optional)', { exact: true }).fill('<p><b>Confidential</p>');
    await form.getByRole('button', { name: 'Add rule' }).click();

    await visible(form.getByText('Please correct the fields marked below.'));
    const domains = fieldOf(page, 'Recipient domains');
    await visible(domains.locator('.field-error', { hasText: 'bad_domain.example: must be a domain name' }));
    expect(await domains.locator('textarea').getAttribute('aria-invalid')).toBe('true');
    const html = fieldOf(page, 'HTML (optional)');
    await visible(html.locator('.field-error', { hasText: '</p> does not close' }));
    expect(await fieldOf(page, 'Text').locator('.field-error').count()).toBe(0);
    expect(await rules(t)).toEqual([]);
    await screenshot(page, 'content-rule-error');

    await form.getByLabel('Recipient domains', { exact: true }).fill('Partner.Example, sub.example.org');
    expect(await domains.locator('.field-error').count()).toBe(0);
    await form.getByLabel('HTML (optional)', { exact: true }).fill('<p><b>Confidential</b></p>');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await visible(page.getByText('The content rule “Partner notice” was added.'));
    await visible(page.getByRole('row', { name: /Partner notice/ }));

    const [rule] = await rules(t);
    expect(rule).toMatchObject({
      name: 'Partner notice',
      position: 'notice',
      text: 'Confidential: for {{company}} only.',
      html: '<p><b>Confidential</b></p>',
      emailTypes: ['workflow', 'individual'],
      recipientDomains: ['partner.example', 'sub.example.org'],
      order: 5,
      enabled: true,
    });
    const row = page.getByRole('row', { name: /Partner notice/ });
    expect(await row.textContent()).toContain('partner.example, sub.example.org');
    expect(await row.textContent()).toContain('Workflow emails, Individual emails');
    await screenshot(page, 'content-rules');
  });

  it('edits every field of the rule in its form', async () => {
    const row = page.getByRole('row', { name: /Partner notice/ });
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit content rule: Partner notice' });
    await visible(form);
    expect(await form.getByLabel('Recipient domains', { exact: true }).inputValue()).toBe(
      'partner.example\nsub.example.org',
    );
    await form.getByLabel('Rule name', { exact: true }).fill('Legal footer');
    await form.getByRole('radio', { name: 'Footer (below the message)' }).check();
    await form.getByRole('checkbox', { name: 'Mass emails' }).check();
    await form.getByLabel('Recipient domains', { exact: true }).fill('');
    await form.getByLabel('Text', { exact: true }).fill('Sent by Sakura.');
    await form.getByLabel('HTML (optional)', { exact: true }).fill('');
    await form.getByLabel('Order', { exact: true }).fill('20');
    await form.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await form.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('The content rule “Legal footer” was saved.'));

    const [rule] = await rules(t);
    expect(rule).toMatchObject({
      name: 'Legal footer',
      position: 'footer',
      text: 'Sent by Sakura.',
      html: null,
      emailTypes: ['workflow', 'mass', 'individual'],
      recipientDomains: [],
      order: 20,
      enabled: false,
    });
    await visible(page.getByRole('row', { name: /Legal footer/ }).getByText('All recipients'));
  });

  it('enables and disables the rule from the list', async () => {
    const row = page.getByRole('row', { name: /Legal footer/ });
    await row.getByRole('button', { name: 'Enable' }).click();
    await visible(row.getByRole('button', { name: 'Disable' }));
    expect((await rules(t))[0].enabled).toBe(true);
    await row.getByRole('button', { name: 'Disable' }).click();
    await visible(row.getByRole('button', { name: 'Enable' }));
    expect((await rules(t))[0].enabled).toBe(false);
    await row.getByRole('button', { name: 'Enable' }).click();
    await visible(row.getByRole('button', { name: 'Disable' }));
  });

  it('lets a member read the rules, in Japanese too, but change none', async () => {
    const member = await signInMember(t, browser, '/content-rules');
    const row = member.getByRole('row', { name: /Legal footer/ });
    await visible(row);
    expect(await member.getByRole('button', { name: '+ New rule' }).count()).toBe(0);
    expect(await row.getByRole('button', { name: 'Disable' }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: 'View' }).click();
    const form = member.getByRole('form', { name: 'Content rule: Legal footer' });
    await visible(form);
    expect(await form.getByLabel('Text', { exact: true }).inputValue()).toBe('Sent by Sakura.');
    expect(await form.getByLabel('Text', { exact: true }).isDisabled()).toBe(true);
    expect(await form.getByLabel('Rule name', { exact: true }).isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Save' }).count()).toBe(0);

    await member.getByLabel('Language').selectOption('ja');
    await visible(member.getByRole('heading', { name: 'コンテンツルール', level: 1 }));
    await visible(member.getByRole('navigation').getByRole('link', { name: 'コンテンツルール' }));
    await visible(member.getByLabel('ルール名', { exact: true }));
    await visible(member.getByRole('radio', { name: 'フッター（本文の後）' }));
    await visible(member.getByRole('row', { name: /Legal footer/ }).getByText('すべての受信者'));
    await screenshot(member, 'content-rules-ja');
    await member.context().close();
  });

  it('deletes the rule after asking', async () => {
    const row = page.getByRole('row', { name: /Legal footer/ });
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText('Delete the content rule “Legal footer”?'));
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await visible(page.getByText('The content rule “Legal footer” was deleted.'));
    await visible(page.getByText('No content rules: mail goes out as it was submitted.'));
    expect(await rules(t)).toEqual([]);
  });
});
