/**
 * Every word in the user's language (issue 20): the console in Japanese, with real data (relays,
 * three kinds of mail, a mass email, bounces, a suppression, a content rule, a webhook, audit
 * entries, a failing attempt), walks every page and fails on any visible text that is neither a
 * rendering of the Japanese catalogue, nor data the test seeded or the server made for it, nor one
 * of a few technical tokens.
 *
 * To cover a new page, add it to `routes` (a path, or a function of the seeded ids, and optionally
 * what to do on the page before reading it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpReplyRules } from '../../src/domain/smtp-reply-rules.js';
import { en } from '../../web/src/i18n/en.js';
import { ja } from '../../web/src/i18n/ja.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { assertConsoleBuilt, chromiumMissing, launch, loaded, visible } from './browser.js';
import { catalogueMatcher, foreignStrings } from './every-word.js';

interface Seeded {
  relayId: string;
  failingRelayId: string;
  workflowId: string;
  individualId: string;
  massId: string;
  failingId: string;
  bouncedId: string;
}

interface Walk {
  path: string | ((s: Seeded) => string);
  /** What to do on the page before its words are read (open a form, run a test…). */
  act?: (page: Page) => Promise<void>;
}

/** Every page of the console (web/src/app.tsx); add new pages here. */
const routes: Walk[] = [
  // The dashboard, the first page.
  { path: '/' },
  { path: '/relays' },
  {
    path: '/relays',
    act: async (page) => {
      const row = page.locator('tr[data-relay="閉じたリレー"]');
      await row.getByRole('button', { name: '接続テスト' }).click();
      await page
        .locator('li[data-step="tcp"].fail, li[data-step="tcp"].failed, .test-result')
        .first()
        .waitFor();
    },
  },
  { path: '/relays/new' },
  {
    path: '/relays/new',
    act: async (page) => {
      await page.getByLabel('サーバー名', { exact: true }).fill(' ');
      await page.getByLabel('1日あたりのメール数の上限', { exact: true }).fill('999999');
      await page.getByRole('button', { name: '設定する' }).click();
      await page.getByRole('alert').first().waitFor();
    },
  },
  { path: (s) => `/relays/${s.relayId}` },
  { path: (s) => `/relays/${s.failingRelayId}` },
  { path: (s) => `/relays/${s.relayId}/health` },
  { path: (s) => `/relays/${s.failingRelayId}/health` },
  { path: '/domains' },
  { path: '/ip-allow-list' },
  { path: '/messages' },
  { path: (s) => `/messages/${s.workflowId}` },
  { path: (s) => `/messages/${s.individualId}` },
  { path: (s) => `/messages/${s.massId}` },
  { path: (s) => `/messages/${s.failingId}` },
  { path: (s) => `/messages/${s.bouncedId}` },
  { path: '/reports' },
  { path: '/destinations' },
  { path: '/bounces' },
  { path: '/suppressions' },
  { path: '/content-rules' },
  { path: '/notifications' },
  { path: '/audit-log' },
  { path: '/webhooks' },
  { path: '/api-keys' },
  { path: '/users' },
  { path: '/settings' },
  { path: '/no-such-page' },
];

/**
 * Technical tokens that stay as they are in Japanese: the product's name, protocol, record and
 * algorithm names a Japanese administrator reads in English too (the catalogue itself writes them
 * so), latency percentiles, the PEM marker of the certificate field's placeholder, and the language
 * switch, which names each language in its own words. Data-shaped strings (addresses, hosts,
 * numbers, times, ids, DNS values, time zone names) are recognised by `every-word.ts`.
 */
const allowed = [
  'mailroute',
  '日本語',
  'English',
  'RSA',
  'Ed25519',
  'p50',
  'p90',
  'p99',
  '-----BEGIN CERTIFICATE-----',
  'DKIM',
  'SPF',
  'DMARC',
  'SMTP',
  'STARTTLS',
  'TLS',
  'SSL',
  'TXT',
  'CNAME',
  'MX',
  'API',
  'IP',
  'JSON',
  'CSV',
  'HTML',
  'Webhook',
  'OAuth2',
  'URL',
  'ms',
];

describe.skipIf(chromiumMissing)('every word of the console in Japanese', () => {
  let t: TestApp;
  let relaySmtp: TestSmtpServer;
  let platform: TestSmtpServer;
  let hook: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  const seeded = {} as Seeded;
  /** Strings that are the org's own data: what the test entered and what the server made of it. */
  const data = new Set<string>();

  const call = async (method: string, path: string, body?: unknown, status?: number) => {
    const res = await t.call(method, path, body);
    if (status !== undefined)
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };

  beforeAll(async () => {
    assertConsoleBuilt();
    relaySmtp = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: {
        pattern: /^gone@/,
        code: 550,
        message: '5.1.1 Recipient address rejected: User unknown',
      },
    });
    platform = await startSmtpServer({ mode: 'plain' });
    hook = await startWebhookReceiver();
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const domain = await call('POST', '/api/v1/domains', { name: 'sakura.com' }, 201);
    const relay = await call(
      'POST',
      '/api/v1/relays',
      {
        name: '本社リレー',
        host: '127.0.0.1',
        port: relaySmtp.port,
        security: 'none',
        dailyLimit: 500,
        priority: 2,
        domainId: domain.id,
        emailTypes: ['workflow', 'individual', 'mass'],
      },
      201,
    );
    seeded.relayId = relay.id;
    // A relay nobody listens on: its attempts fail (ECONNREFUSED) and fall back to the platform.
    const closed = await startSmtpServer({ mode: 'plain' });
    const closedPort = closed.port;
    await closed.close();
    const failing = await call(
      'POST',
      '/api/v1/relays',
      {
        name: '閉じたリレー',
        host: '127.0.0.1',
        port: closedPort,
        security: 'none',
        dailyLimit: 100,
        priority: 1,
        domainId: domain.id,
        emailTypes: ['individual'],
      },
      201,
    );
    seeded.failingRelayId = failing.id;
    await call(
      'POST',
      '/api/v1/content-rules',
      {
        name: '個人情報の注意書き',
        position: 'footer',
        text: '本メールは送信専用です。',
        emailTypes: ['mass'],
      },
      201,
    );
    await call(
      'POST',
      '/api/v1/webhooks/endpoints',
      { url: hook.url('/events'), events: ['delivery.sent', 'delivery.bounced'] },
      201,
    );
    await call('POST', '/api/v1/suppressions', { address: 'teishi@example.net', reason: 'manual' }, 201);

    const send = async (type: string, to: string, subject: string) => {
      const res = await call(
        'POST',
        '/api/v1/messages',
        { type, from: 'info@sakura.com', to: [to], subject, text: 'こんにちは' },
        202,
      );
      await settled(t, res.id);
      return res.id as string;
    };
    seeded.workflowId = await send('workflow', 'tanaka@example.net', 'ご注文の発送');
    seeded.individualId = await send('individual', 'suzuki@example.net', '打ち合わせの件');
    seeded.failingId = seeded.individualId;
    // Refused by the relay (550 5.1.1): the log explains the reply by the rule that classified it.
    await send('workflow', 'gone@example.net', 'ご登録内容の確認');
    const mass = await call(
      'POST',
      '/api/v1/mass-emails',
      {
        from: 'news@sakura.com',
        subject: '{{name}}様 12月のお知らせ',
        text: '{{name}}様',
        recipients: [
          { address: 'sato@example.net', fields: { name: '佐藤' } },
          { address: 'ito@example.net', fields: { name: '伊藤' } },
          { address: 'kato@example.net', fields: { name: '加藤' } },
        ],
      },
      202,
    );
    seeded.massId = mass.id;
    // The plan's name is the operator's data (MAILROUTE_PLANS), shown on the dashboard.
    data.add((await call('GET', '/api/v1/dashboard')).plan.name);
    await settled(t, mass.id);
    seeded.bouncedId = await send('workflow', 'fumei@example.net', '請求書のご案内');
    const bounced = await call('GET', `/api/v1/messages/${seeded.bouncedId}`);
    await call(
      'POST',
      '/api/v1/bounces',
      {
        deliveryId: bounced.deliveries[0].id,
        recipient: 'fumei@example.net',
        status: '5.1.1',
        diagnosticCode: '550 5.1.1 <fumei@example.net>: User unknown',
      },
      201,
    );
    for (const s of [
      'sakura.com',
      '本社リレー',
      '閉じたリレー',
      '個人情報の注意書き',
      '本メールは送信専用です。',
      hook.url('/events'),
      'teishi@example.net',
      'ご注文の発送',
      '打ち合わせの件',
      '請求書のご案内',
      '佐藤様 12月のお知らせ',
      '伊藤様 12月のお知らせ',
      '加藤様 12月のお知らせ',
      '{{name}}様 12月のお知らせ',
      'こんにちは',
      '550 5.1.1 <fumei@example.net>: User unknown',
      ADMIN_EMAIL,
    ])
      data.add(s);
    // What the server made for the org: DNS records, ids and names it shows.
    for (const d of (await call('GET', '/api/v1/domains')).items) collect(d, data);
    for (const k of (await call('GET', '/api/v1/api-keys')).items) collect(k, data);
    for (const u of (await call('GET', '/api/v1/users')).items) collect(u, data);
    for (const r of (await call('GET', '/api/v1/relays')).items) collect(r, data);
    for (const d of (await call('GET', '/api/v1/datacenters')).items) {
      data.add(d.name);
      collect(await call('GET', `/api/v1/datacenters/${d.id}/dkim`), data);
    }
    data.add((await call('GET', '/api/auth/me')).orgName);
    // Reply rules are named as the technical reference of a route reason ("ルール conn.refused").
    for (const r of smtpReplyRules) data.add(r.id);

    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.url}/`);
    await page.getByLabel('メールアドレス').fill(ADMIN_EMAIL);
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await visible(page.getByRole('navigation'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await relaySmtp?.close();
    await platform?.close();
    await hook?.close();
  });

  it('shows no word outside the Japanese catalogue, the seeded data and the technical tokens', async () => {
    const matcher = catalogueMatcher(ja, data, allowed);
    const found: string[] = [];
    for (const walk of routes) {
      const path = typeof walk.path === 'string' ? walk.path : walk.path(seeded);
      await page.goto(`${t.url}${path}`);
      await visible(page.getByRole('main'));
      await page.waitForLoadState('networkidle');
      await loaded(page);
      if (walk.act) await walk.act(page);
      await page.waitForLoadState('networkidle');
      const texts = await page.evaluate<string[]>(visibleTexts);
      for (const s of foreignStrings(texts, matcher))
        found.push(`${path}${walk.act ? ' (after action)' : ''}: ${s}`);
    }
    const unique = [...new Set(found)];
    if (process.env.MAILROUTE_EVERY_WORD_REPORT) console.log(unique.join('\n'));
    expect(unique).toEqual([]);
  }, 300_000);

  it('words codes in Japanese, then in English: field errors, attempts, audit actions, events', async () => {
    const expectations = async (w: {
      required: string;
      refused: string;
      next: string;
      created: string;
      sentEvent: string;
      userUnknown: string;
    }) => {
      await page.goto(`${t.url}/relays/new`);
      await page.getByRole('button', { name: /設定する|Set up/ }).click();
      await visible(page.getByText(w.required).first());
      await page.goto(`${t.url}/messages/${seeded.failingId}`);
      await visible(page.getByText(w.refused).first());
      await visible(page.getByText(w.next).first());
      // The reply stays beside its explanation, verbatim.
      await visible(page.locator('[data-raw]', { hasText: 'ECONNREFUSED' }).first());
      // The log explains each last reply by the rule that classified it, the reply kept beside it.
      await page.goto(`${t.url}/messages?recipient=gone@example.net`);
      const reply = page.locator('td.last-reply');
      await visible(reply.getByText(w.userUnknown));
      await visible(reply.locator('[data-raw]', { hasText: '550 5.1.1' }));
      await page.goto(`${t.url}/audit-log`);
      const row = page.getByRole('row').filter({ hasText: w.created }).filter({ hasText: '本社リレー' });
      await visible(row);
      expect(await row.first().locator('td').nth(3).textContent()).not.toContain(seeded.relayId);
      await page.goto(`${t.url}/webhooks`);
      await visible(page.getByText(w.sentEvent).first());
    };
    await expectations({
      required: ja.words.fieldIssues.required,
      refused: ja.words.replyRules.conn_refused,
      next: ja.words.attemptActions.fallback,
      created: ja.words.audit.actions.relay_create,
      sentEvent: ja.words.webhookEvents.delivery_sent,
      userUnknown: ja.words.replyRules['rcpt_user-unknown'],
    });
    await page.getByLabel('言語').selectOption('en');
    await expectations({
      required: en.words.fieldIssues.required,
      refused: en.words.replyRules.conn_refused,
      next: en.words.attemptActions.fallback,
      created: en.words.audit.actions.relay_create,
      sentEvent: en.words.webhookEvents.delivery_sent,
      userUnknown: en.words.replyRules['rcpt_user-unknown'],
    });
  }, 120_000);
});

/** Every string value of an API object, recursively. */
function collect(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') into.add(v);
  else if (Array.isArray(v)) for (const x of v) collect(x, into);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, into);
}

/**
 * Runs in the page: the text of every visible text node, every option of a select, and every
 * placeholder, one string each (React renders each `{…}` as its own text node). Text inside
 * `[data-raw]` is a remote server's own words (an SMTP reply, a socket error) or a stored record
 * (an audit entry's JSON) shown verbatim as the detail of a translated explanation beside it, and
 * `[data-technical]` the API's name of a thing shown beside its words (a webhook event type): both
 * are left out. A string, as the tests are
 * compiled without the DOM's types.
 */
const visibleTexts = `(() => {
  const out = [];
  const shown = (el) => el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : true;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.textContent || '').trim();
    const parent = n.parentElement;
    if (!text || !parent) continue;
    if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (parent.closest('[data-raw], [data-technical]')) continue;
    if (parent.closest('.visually-hidden') || parent.tagName === 'OPTION' || shown(parent)) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder]')) {
    const p = (el.getAttribute('placeholder') || '').trim();
    if (p && shown(el)) out.push(p);
  }
  return out;
})()`;
