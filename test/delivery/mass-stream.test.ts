/**
 * A big mass email read as its body arrives (issue 22): a body of unknown length (chunked) takes
 * the streamed intake, with chunks of 100 recipients here. Checked: the recipients really go in
 * chunk by chunk, a late bad recipient or the plan's limit refuses all of it with nothing left
 * queued, no worker sends a delivery before the body has ended and the 202 is out, and everything
 * accepted is delivered.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const N = 1000;

const recipients = (n: number, prefix = 'r') =>
  Array.from({ length: n }, (_, i) => ({ address: `${prefix}${i}@example.net`, fields: { name: `R${i}` } }));

/** The body's text in pieces: the head, then the recipients in parts, then the end. */
function bodyParts(rs: unknown[], head: Record<string, unknown>, parts = 4): string[] {
  const text = JSON.stringify({ ...head, recipients: rs });
  const size = Math.ceil(text.length / parts);
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size));
}

/**
 * POSTs a body of unknown length (chunked), one part at a time; `between(i)` runs after part i
 * was sent and before the next.
 */
async function postStreamed(
  t: TestApp,
  parts: string[],
  between: (i: number) => Promise<void> = async () => {},
): Promise<{ status: number; body: any }> {
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i > 0) await between(i - 1);
      if (i === parts.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(parts[i++]));
    },
  });
  const res = await fetch(`${t.url}/api/v1/mass-emails`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-admin-key-0123456789', 'content-type': 'application/json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe.each(dialects)('a streamed mass email on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  const head = { from: 'news@sakura.com', subject: 'Hello {{name}}', text: 'Dear {{name}}' };

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'p', dailyLimit: 2500, maxDomains: 2, maxRelaysPerDomain: 1 }),
      MAILROUTE_DEFAULT_PLAN: 'p',
      MAILROUTE_MASS_INTAKE_CHUNK: '100',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
  });

  const db = () => t.app.ctx.store.db;
  const count = async (table: 'deliveries' | 'messages') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a bad recipient near the end with a 400 naming it, and queues nothing of the mass email', async () => {
    const rs: unknown[] = recipients(N, 'bad');
    rs[950] = { address: 'not an address', fields: { name: 'x' } };
    const before = { deliveries: await count('deliveries'), messages: await count('messages') };
    const res = await postStreamed(t, bodyParts(rs, head));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['recipients.950.address']);
    expect(await count('deliveries')).toBe(before.deliveries);
    expect(await count('messages')).toBe(before.messages);
    if (dialect === 'sqlite')
      expect(
        (await sql`select name from sqlite_temp_master where name like 'mass_intake_%'`.execute(db())).rows,
      ).toEqual([]);
  });

  it('refuses a body that is not JSON, and a recipient with an unknown member, naming it', async () => {
    const broken = await postStreamed(t, [`${JSON.stringify(head).slice(0, -1)},"recipients":[{"address":`]);
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain('not valid JSON');
    const rs: unknown[] = recipients(300, 'odd');
    rs[250] = { address: 'a@example.net', colour: 'red' };
    const odd = await postStreamed(t, bodyParts(rs, head));
    expect(odd.status).toBe(400);
    expect(Object.keys(odd.body.error.fields)).toEqual(['recipients.250']);
  });

  it('refuses a From of another domain, seen only after the recipients', async () => {
    const text = JSON.stringify({
      subject: 'Hi',
      text: 'x',
      recipients: recipients(300, 'late'),
      from: 'a@other.example',
    });
    const res = await postStreamed(t, [text]);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['from']);
    expect(
      await db().selectFrom('deliveries').select('id').where('recipient', 'like', 'late%').execute(),
    ).toEqual([]);
  });

  it('queues in chunks, shows and sends nothing before the body has ended, and delivers everything accepted', async () => {
    const parts = bodyParts(recipients(N), head, 5);
    let midway: { rows: number; staged: number; messages: number; due: number; sent: number } | undefined;
    // PostgreSQL: all of it is one transaction, whose rows no other reader sees until it commits;
    // that the rows are written as they come shows in the table's size on disk. SQLite: they wait in
    // a temporary table of the connection, seen by nothing else until the mass email is accepted.
    const tableSize = async () =>
      Number((await sql<{ n: string }>`select pg_relation_size('deliveries') as n`.execute(db())).rows[0]!.n);
    const staged = async () => {
      const tables = await sql<{
        name: string;
      }>`select name from sqlite_temp_master where type = 'table' and name like 'mass_intake_%'`.execute(
        db(),
      );
      if (tables.rows.length !== 1) return 0;
      return Number(
        (
          await sql<{ n: number }>`select count(*) as n from ${sql.id('temp', tables.rows[0]!.name)}`.execute(
            db(),
          )
        ).rows[0]!.n,
      );
    };
    const sizeBefore = dialect === 'postgres' ? await tableSize() : 0;
    const messagesBefore = await count('messages');
    const res = await postStreamed(t, parts, async (i) => {
      if (i !== 2) return;
      const visible = async () =>
        Number(
          (
            await db()
              .selectFrom('deliveries')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('recipient', 'like', 'r%')
              .executeTakeFirstOrThrow()
          ).n,
        );
      // Three fifths of the body are in: whole chunks of it are written, none of them seen.
      const written =
        dialect === 'sqlite'
          ? await until(async () => {
              const n = await staged();
              return n >= 400 ? n : undefined;
            })
          : await until(async () => ((await tableSize()) > sizeBefore ? true : undefined)).then(() => 0);
      t.app.worker?.wake();
      await new Promise((r) => setTimeout(r, 500));
      const due = await db()
        .selectFrom('deliveries')
        .select('id')
        .where('recipient', 'like', 'r%')
        .where('next_attempt_at', '<=', t.clock.now())
        .execute();
      midway = {
        rows: await visible(),
        staged: written,
        messages: (await count('messages')) - messagesBefore,
        due: due.length,
        sent: platform.received.rcptTo.length,
      };
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ accepted: N, suppressed: 0 });
    if (dialect === 'sqlite') {
      expect(midway!.staged % 100).toBe(0);
      expect(midway!.staged).toBeLessThan(N);
      // The staging table is gone once the mass email is accepted.
      expect(await staged()).toBe(0);
    }
    expect(midway!.rows).toBe(0);
    expect(midway!.messages).toBe(0);
    expect(midway!.due).toBe(0);
    expect(midway!.sent).toBe(0);
    const message = await db()
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({
      recipient_count: N,
      from_address: 'news@sakura.com',
      subject: 'Hello {{name}}',
    });
    const r7 = await db()
      .selectFrom('deliveries')
      .select(['subject', 'personalization'])
      .where('message_id', '=', res.body.id)
      .where('recipient', '=', 'r7@example.net')
      .executeTakeFirstOrThrow();
    expect(r7.subject).toBe('Hello R7');
    t.app.worker?.wake();
    await until(
      async () => platform.received.rcptTo.length >= N || undefined,
      120_000,
      'every delivery sent',
    );
    expect(new Set(platform.received.rcptTo).size).toBe(N);
  }, 180_000);

  it("refuses a mass email over the plan's daily limit whole, naming the limit", async () => {
    const res = await postStreamed(t, bodyParts(recipients(N + 600, 'over'), head));
    expect(res.status, JSON.stringify(res.body)).toBe(429);
    expect(res.body.error.code).toBe('daily_limit_exceeded');
    expect(res.body.error.limit).toBe(2500);
    expect(
      await db().selectFrom('deliveries').select('id').where('recipient', 'like', 'over%').execute(),
    ).toEqual([]);
  });

  it('records the recipients on the suppression list as suppressed, in whichever chunk they come', async () => {
    for (const address of ['sup5@example.net', 'SUP250@Example.NET'])
      expect((await t.call('POST', '/api/v1/suppressions', { address })).status).toBe(201);
    const res = await postStreamed(t, bodyParts(recipients(300, 'sup'), head));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ accepted: 298, suppressed: 2 });
    const suppressed = await db()
      .selectFrom('deliveries')
      .select('recipient')
      .where('message_id', '=', res.body.id)
      .where('status', '=', 'suppressed')
      .orderBy('recipient')
      .execute();
    expect(suppressed.map((d) => d.recipient)).toEqual(['sup250@example.net', 'sup5@example.net']);
  });
});
