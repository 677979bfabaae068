import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveRetentionJob } from '../../src/services/archive-retention.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const DAY = 86_400_000;

describe.each(dialects)('the archive on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let orgId: string;

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    orgId = (await t.app.ctx.store.db.selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id;
    await t.app.ctx.store.db
      .insertInto('orgs')
      .values({ id: 'org_other', name: 'other', plan: 'standard', datacenter: 'jp', created_at: 0 })
      .execute();
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
  });

  const db = () => t.app.ctx.store.db;
  const archive = (id: string, org: string, at: number, raw = 'Subject: x\r\n\r\nhi\r\n') =>
    db()
      .insertInto('archives')
      .values({
        delivery_id: id,
        org_id: org,
        created_at: at,
        raw_gzip_b64: gzipSync(Buffer.from(raw)).toString('base64'),
      })
      .execute();
  const archivedIds = async () =>
    (await db().selectFrom('archives').select('delivery_id').orderBy('delivery_id').execute()).map(
      (r) => r.delivery_id,
    );

  /** A message and its deliveries inserted directly, each with an archived copy. */
  async function insertArchived(n: number, at: number, raw: (i: number) => string) {
    const messageId = `msg_bulk_${at}`;
    await db()
      .insertInto('messages')
      .values({
        id: messageId,
        org_id: orgId,
        type: 'mass',
        from_address: 'News <news@sakura.com>',
        from_domain: 'sakura.com',
        subject: 'Bulk',
        content: '{}',
        metadata: null,
        size: 10,
        recipient_count: n,
        submitted_by: 'test',
        created_at: at,
      })
      .execute();
    for (let i = 0; i < n; i += 200) {
      const ids = Array.from({ length: Math.min(200, n - i) }, (_, k) => i + k);
      await db()
        .insertInto('deliveries')
        .values(
          ids.map((k) => ({
            id: `dlv_bulk_${at}_${String(k).padStart(5, '0')}`,
            org_id: orgId,
            message_id: messageId,
            recipient: `r${k}@example.net`,
            recipient_domain: 'example.net',
            type: 'mass' as const,
            priority: 2,
            status: 'sent' as const,
            route: 'platform',
            relay_id: null,
            attempts: 1,
            next_attempt_at: at,
            lease_until: null,
            lease_owner: null,
            personalization: null,
            relays_tried: null,
            slowdowns: 0,
            last_status: '2.0.0',
            last_reply: '250 ok',
            created_at: at,
            updated_at: at,
            sent_at: at,
          })),
        )
        .execute();
      await db()
        .insertInto('archives')
        .values(
          ids.map((k) => ({
            delivery_id: `dlv_bulk_${at}_${String(k).padStart(5, '0')}`,
            org_id: orgId,
            created_at: at + k,
            raw_gzip_b64: gzipSync(Buffer.from(raw(k))).toString('base64'),
          })),
        )
        .execute();
    }
  }

  it('deletes only archives older than their own org retention, at most once an hour', async () => {
    const now = t.clock.now();
    expect((await t.call('PATCH', '/api/v1/settings', { archiveRetentionDays: 30 })).status).toBe(200);
    expect((await t.call('PATCH', '/api/v1/settings', { archiveRetentionDays: 0 })).status).toBe(400);
    await archive('ret_mine_old', orgId, now - 40 * DAY);
    await archive('ret_mine_new', orgId, now - 10 * DAY);
    await archive('ret_other_40', 'org_other', now - 40 * DAY);
    await archive('ret_other_400', 'org_other', now - 400 * DAY);
    const job = new ArchiveRetentionJob(t.app.ctx);
    await job.check();
    expect((await archivedIds()).filter((id) => id.startsWith('ret_'))).toEqual([
      'ret_mine_new',
      'ret_other_40',
    ]);
    expect(t.logs.join('')).toContain('"event":"archive.pruned"');

    // Nine days later the newer one is 19 days old; 21 days later it is 31 days old.
    t.clock.advance(21 * DAY);
    await archive('ret_mine_fresh', orgId, t.clock.now() - DAY);
    await job.check();
    expect((await archivedIds()).filter((id) => id.startsWith('ret_'))).toEqual([
      'ret_mine_fresh',
      'ret_other_40',
    ]);
    // Within the hour nothing runs again.
    await archive('ret_mine_old2', orgId, t.clock.now() - 31 * DAY);
    t.clock.advance(30 * 60_000);
    await job.check();
    expect(await archivedIds()).toContain('ret_mine_old2');
    t.clock.advance(31 * 60_000);
    await job.check();
    expect(await archivedIds()).not.toContain('ret_mine_old2');
    await job.stop();
    await t.call('PATCH', '/api/v1/settings', { archiveRetentionDays: 365 });
  });

  it('finds messages by part of the subject, in any case, with wildcards taken literally', async () => {
    const send = async (subject: string) => {
      const res = await t.call('POST', '/api/v1/messages', {
        type: 'individual',
        from: 'amelia@sakura.com',
        to: ['someone@example.net'],
        subject,
        text: 'Hello',
      });
      expect(res.status).toBe(202);
      await settled(t, res.body.id);
      return res.body.id as string;
    };
    const report = await send('Quarterly Report 100%');
    await send('Invoice');
    const found = await t.call('GET', '/api/v1/messages?subject=quarterLY');
    expect(found.body.items.map((i: { messageId: string }) => i.messageId)).toEqual([report]);
    expect((await t.call('GET', '/api/v1/messages?subject=100%25')).body.items).toHaveLength(1);
    expect((await t.call('GET', '/api/v1/messages?subject=%25')).body.items).toHaveLength(1);
    expect((await t.call('GET', '/api/v1/messages?subject=Rep_rt')).body.items).toHaveLength(0);
  });

  it('exports the sent messages of a range as mboxrd with From_ lines and quoting', async () => {
    t.clock.advance(1000);
    const since = new Date(t.clock.now()).toISOString();
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'Amelia <amelia@sakura.com>',
      to: ['a@example.net', 'b@example.net'],
      subject: 'Exported',
      text: 'First line\nFrom here on\n>From quoted\nend',
    });
    expect(res.status).toBe(202);
    const detail = await settled(t, res.body.id);
    expect(detail.deliveries.map((d: { status: string }) => d.status)).toEqual(['sent', 'sent']);
    t.clock.advance(1000);
    const until = new Date(t.clock.now()).toISOString();
    const got = await fetch(`${t.url}/api/v1/messages/export.mbox?since=${since}&until=${until}`, {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toContain('application/mbox');
    const mbox = await got.text();
    const fromLines = mbox.split('\n').filter((l) => l.startsWith('From '));
    expect(fromLines).toHaveLength(2);
    for (const l of fromLines)
      expect(l).toMatch(
        /^From amelia@sakura\.com (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4}$/,
      );
    // Each entry is the archived message, LF line ends, mboxrd-quoted.
    const raw = await t.call(
      'GET',
      `/api/v1/messages/${res.body.id}/raw?delivery=${detail.deliveries[0].id}`,
    );
    const expected = String(raw.body)
      .replace(/\r\n/g, '\n')
      .replace(/^(>*From )/gm, '>$1');
    expect(mbox).toContain(`\n${expected}`);
    expect(mbox).not.toContain('\r\n');
    expect(mbox.endsWith('\n\n')).toBe(true);
  });

  it('quotes From lines of any depth, mboxrd style', async () => {
    const at = Date.parse('2027-01-07T09:05:03Z');
    await insertArchived(1, at, () => 'Subject: q\r\n\r\nFrom me\r\n>From you\r\n>>From them\r\nFromage\r\n');
    const mbox = await (
      await fetch(
        `${t.url}/api/v1/messages/export.mbox?since=${new Date(at).toISOString()}&until=${new Date(at + 1000).toISOString()}`,
        { headers: { authorization: 'Bearer test-admin-key-0123456789' } },
      )
    ).text();
    expect(mbox).toBe(
      'From news@sakura.com Thu Jan  7 09:05:03 2027\n' +
        'Subject: q\n\n>From me\n>>From you\n>>>From them\nFromage\n\n',
    );
  });

  it('streams a large export page by page', async () => {
    const at = t.clock.now() + 10 * DAY;
    await insertArchived(2000, at, (k) => `Subject: bulk ${k}\r\n\r\n${'x'.repeat(200)}\r\nFrom ${k}\r\n`);
    const res = await fetch(
      `${t.url}/api/v1/messages/export.mbox?since=${new Date(at).toISOString()}&until=${new Date(at + DAY).toISOString()}`,
      { headers: { authorization: 'Bearer test-admin-key-0123456789' } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mailroute-next-cursor')).toBeNull();
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks++;
      text += decoder.decode(chunk, { stream: true });
    }
    expect(chunks).toBeGreaterThan(1);
    const entries = text.split('\n').filter((l) => l.startsWith('From '));
    expect(entries).toHaveLength(2000);
    expect(text).toContain('Subject: bulk 0\n');
    expect(text).toContain('Subject: bulk 1999\n');
    expect(text.match(/^>From \d+$/gm)).toHaveLength(2000);
  });

  it('splits a long range into parts joined by a cursor', async () => {
    const at = t.clock.now() + 10 * DAY;
    const range = `since=${new Date(at).toISOString()}&until=${new Date(at + DAY).toISOString()}`;
    const subjects: string[] = [];
    let cursor: string | null = null;
    let parts = 0;
    do {
      const res: Response = await fetch(
        `${t.url}/api/v1/messages/export.mbox?${range}&limit=600${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: { authorization: 'Bearer test-admin-key-0123456789' } },
      );
      subjects.push(...((await res.text()).match(/^Subject: bulk \d+$/gm) ?? []));
      cursor = res.headers.get('x-mailroute-next-cursor');
      parts++;
    } while (cursor);
    expect(parts).toBe(4);
    expect(subjects).toHaveLength(2000);
    expect(new Set(subjects).size).toBe(2000);
  });

  it('needs read access and valid times', async () => {
    expect((await t.call('GET', '/api/v1/messages/export.mbox', undefined, null)).status).toBe(401);
    expect((await t.call('GET', '/api/v1/messages/export.mbox?since=yesterday')).status).toBe(400);
  });
});
