// With a deep queue (a million deliveries waiting, most not due yet, as after a long relay outage)
// the claim and the next-due lookup must still seek their partial indexes, not walk them: a claim
// that walks every waiting delivery costs time in proportion to the backlog.
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { claimDue, claimQuery, nextDueAt, nextDueQuery } from '../../src/queue/claim.js';
import type { Database } from '../../src/store/schema.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { pgUrl } from '../helpers/databases.js';
import { insertMassMessage, insertOrg } from '../helpers/rows.js';

const DEPTH = 1_000_000;
const NOW = 1_000_000_000;

/** The indexes of `deliveries` (not those behind its constraints), as the database stores them. */
async function deliveryIndexes(db: Kysely<Database>, dialect: 'sqlite' | 'postgres') {
  const q =
    dialect === 'sqlite'
      ? sql<{ name: string; def: string }>`select name, sql as def from sqlite_master
          where type = 'index' and tbl_name = 'deliveries' and sql is not null order by name`
      : sql<{ name: string; def: string }>`select c.relname as name, pg_get_indexdef(i.indexrelid) as def
          from pg_index i join pg_class c on c.oid = i.indexrelid
          where i.indrelid = 'deliveries'::regclass
            and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
          order by c.relname`;
  return (await q.execute(db)).rows;
}

/**
 * Fills `deliveries` with its indexes set aside, then makes them again from their own stored
 * definitions: building an index over a million rows at once takes a fraction of the time of
 * updating eight of them row by row. The indexes the plans are checked against are the
 * migrations' own (the same names and definitions afterwards).
 */
async function fillThenIndex(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  fill: () => Promise<unknown>,
) {
  const indexes = await deliveryIndexes(db, dialect);
  expect(indexes.map((i) => i.name)).toContain('deliveries_fresh_due');
  for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(db);
  await fill();
  for (const i of indexes) await sql.raw(i.def).execute(db);
  expect(await deliveryIndexes(db, dialect)).toEqual(indexes);
}

describe('queue query plans with a million deliveries waiting on SQLite', () => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext('sqlite');
    ctx = t.ctx;
    const db = ctx.store.db;
    await insertOrg(db, 'org_d', 'deep');
    await insertMassMessage(db, { id: 'msg_d', orgId: 'org_d', recipientCount: DEPTH });
    // Every priority holds a backlog due later; a few of each are due now.
    await fillThenIndex(db, 'sqlite', () =>
      sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${sql.lit(DEPTH)})
      insert into deliveries (id, org_id, message_id, recipient, recipient_domain, type, priority, status,
        attempts, next_attempt_at, slowdowns, created_at, updated_at)
      select 'dlv_' || i, 'org_d', 'msg_d', 'r' || i || '@example.net', 'example.net', 'mass', i % 3,
        case when i % 2 = 0 then 'queued' else 'deferred' end, 0,
        case when i % 100000 = 0 then ${sql.lit(NOW - 1)} else ${sql.lit(NOW + 1000)} + i end, 0, 0, 0
      from s`.execute(db),
    );
  }, 300_000);
  afterAll(() => t.close());

  async function plan(q: { compile(): CompiledQuery }): Promise<string> {
    const c = q.compile();
    const res = await ctx.store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]),
    );
    return res.rows.map((r) => r.detail).join('\n');
  }

  for (const analyzed of [false, true])
    it(`a claim seeks each priority's due deliveries (${analyzed ? 'after' : 'before'} ANALYZE)`, async () => {
      if (analyzed) await sql`analyze`.execute(ctx.store.db);
      for (const kind of ['fresh', 'retry'] as const) {
        const o = { owner: 'o', limit: 64, now: NOW, leaseMs: 1000 };
        const p = await plan(claimQuery(ctx.store, o, kind));
        expect(p).toMatch(
          new RegExp(
            `SEARCH deliveries USING INDEX deliveries_${kind}_due \\(priority=\\? AND next_attempt_at<\\?\\)`,
          ),
        );
        expect(p).not.toMatch(/SCAN deliveries/);
      }
      expect(await plan(nextDueQuery(ctx.store))).toMatch(/deliveries_waiting_due/);
    });

  it('claims the due deliveries, most urgent first, and finds the next due time', async () => {
    const claimed = await claimDue(ctx.store, { owner: 'o', limit: 64, now: NOW, leaseMs: 1000 });
    expect(claimed.map((d) => d.id)).toEqual(
      Array.from({ length: 10 }, (_, k) => (k + 1) * 100_000)
        .sort((a, b) => (a % 3) - (b % 3) || a - b)
        .map((i) => `dlv_${i}`),
    );
    expect(await nextDueAt(ctx.store)).toBe(NOW + 1001);
  });
});

describe.skipIf(!pgUrl)('queue query plans with a million deliveries waiting on PostgreSQL', () => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext('postgres');
    ctx = t.ctx;
    const db = ctx.store.db;
    await insertOrg(db, 'org_d', 'deep');
    await insertMassMessage(db, { id: 'msg_d', orgId: 'org_d', recipientCount: DEPTH });
    await fillThenIndex(db, 'postgres', () =>
      sql`insert into deliveries (id, org_id, message_id, recipient, recipient_domain, type, priority, status,
        attempts, next_attempt_at, slowdowns, created_at, updated_at)
      select 'dlv_' || i, 'org_d', 'msg_d', 'r' || i || '@example.net', 'example.net', 'mass', i % 3,
        case when i % 2 = 0 then 'queued' else 'deferred' end, 0,
        case when i % 100000 = 0 then ${sql.lit(NOW - 1)} else ${sql.lit(NOW + 1000)} + i end, 0, 0, 0
      from generate_series(1, ${sql.lit(DEPTH)}) as i`.execute(db),
    );
    await sql`analyze deliveries`.execute(db);
  }, 300_000);
  afterAll(() => t.close());

  async function plan(q: { compile(): CompiledQuery }): Promise<string> {
    const c = q.compile();
    const res = await ctx.store.db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]),
    );
    return res.rows.map((r) => Object.values(r)[0]).join('\n');
  }

  it("a claim reads each priority's due range through an index, and no sequential scan", async () => {
    // Each of the five ranges of each kind is read through an index bounded by the due time (the
    // kind's partial index, or another waiting index with the priority as a filter): only due rows,
    // never the backlog.
    for (const kind of ['fresh', 'retry'] as const) {
      const p = await plan(claimQuery(ctx.store, { owner: 'o', limit: 64, now: NOW, leaseMs: 1000 }, kind));
      expect(p.match(/Index Scan using deliveries_(?!pkey)\w+ on deliveries/g)).toHaveLength(5);
      expect(p.match(/Index Cond: .*next_attempt_at <= /g)).toHaveLength(5);
      expect(p).not.toMatch(/Seq Scan on deliveries/);
    }
    expect(await plan(nextDueQuery(ctx.store))).not.toMatch(/Seq Scan on deliveries/);
    const claimed = await claimDue(ctx.store, { owner: 'o', limit: 64, now: NOW, leaseMs: 1000 });
    expect(claimed).toHaveLength(10);
  });
});
