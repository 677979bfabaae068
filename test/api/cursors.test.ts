/**
 * Invalid cursors (issue 14, point 11): every list and export that pages by a cursor answers 400
 * naming `cursor` for one that is not its own (garbage, or another list's), instead of starting
 * again from the first page. The routes are walked from the OpenAPI document, so a list added
 * later is held to the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe.each(dialects)('page cursors on %s', (dialect) => {
  let t: TestApp;
  let paged: string[];
  let hookId: string;
  let messageId: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    await t.call('POST', '/api/v1/domains', { name: 'example.test' });
    const hook = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: 'http://127.0.0.1:9/hook',
      events: ['delivery.sent'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    hookId = hook.body.id;
    const message = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@example.test',
      to: ['one@example.net'],
      subject: 'Hello',
      text: 'Hi',
    });
    expect(message.status, JSON.stringify(message.body)).toBe(202);
    messageId = message.body.id;
    for (const name of ['one', 'two', 'three'])
      await t.call('POST', '/api/v1/api-keys', { name, role: 'send' });
    const doc = (await t.call('GET', '/api/openapi.json', undefined, null)).body;
    paged = Object.entries(
      doc.paths as Record<string, { get?: { parameters?: { in: string; name: string }[] } }>,
    )
      .filter(([, ops]) => ops.get?.parameters?.some((p) => p.in === 'query' && p.name === 'cursor'))
      .map(([path]) => path.replace('{id}', path.startsWith('/api/v1/messages/') ? messageId : hook.body.id));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds every paged route in the document', () => {
    expect(paged.map((p) => p.replace(hookId, '{id}').replace(messageId, '{id}')).sort()).toEqual([
      '/api/v1/audit-log',
      '/api/v1/bounces',
      '/api/v1/messages',
      '/api/v1/messages/export.mbox',
      '/api/v1/messages/{id}/deliveries',
      '/api/v1/suppressions',
      '/api/v1/webhooks/endpoints/{id}/deliveries',
    ]);
  });

  const bad = [
    'garbage',
    'not base64!',
    b64({ at: 'yesterday', id: 'x' }),
    b64([1, 2, 3]),
    Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url'),
  ];

  it('answers 400 naming the cursor for one that is not valid', async () => {
    for (const path of paged) {
      for (const cursor of bad) {
        const res = await t.call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
        expect(res.status, `${path} ${cursor}`).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(Object.keys(res.body.error.fields ?? {}), `${path} ${cursor}`).toEqual(['cursor']);
      }
    }
  });

  it('refuses another list’s cursor, and follows its own', async () => {
    const first = await t.call('GET', '/api/v1/audit-log?limit=1');
    const cursor = first.body.nextCursor as string;
    expect(cursor).toBeTruthy();
    const next = await t.call('GET', `/api/v1/audit-log?limit=1&cursor=${cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    for (const path of paged.filter((p) => p !== '/api/v1/audit-log')) {
      const res = await t.call('GET', `${path}?cursor=${cursor}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.fields).toHaveProperty('cursor');
    }
  });

  it('pages the suppression list by addresses as long as an address may be', async () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example`;
    for (const n of [1, 2, 3]) {
      const res = await t.call('POST', '/api/v1/suppressions', {
        address: `${local}${n}@${domain}`.slice(1),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await t.call('GET', `/api/v1/suppressions?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.items.map((i: { address: string }) => i.address));
      cursor = page.body.nextCursor;
    } while (cursor);
    const long = seen.filter((a) => a.endsWith(domain));
    expect(long).toHaveLength(3);
    expect(new Set(long).size).toBe(3);
  });
});
