/**
 * Migration 0023 (issue 22): `deliveries_waiting` goes and `deliveries_org_sent` holds only sent
 * deliveries, so queuing a delivery writes two index entries fewer. With a deep table (200,000
 * deliveries of two orgs, most of them unsent) the day's counts of sent mail still read
 * `deliveries_org_sent` on both dialects and count right, and the migration goes down and up again.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import * as m0023 from '../../src/store/migrations/0023-intake-indexes.js';
import { complaintDay, massDeliveredQuery } from '../../src/store/repos/complaint-rate.js';
import { bounceCounts, platformSentQuery } from '../../src/store/repos/dashboard.js';
import type { Database } from '../../src/store/schema.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';
import { insertMassMessage, insertOrg } from '../helpers/rows.js';

const DEPTH = 200_000;
const DAY = 86_400_000;

describe.each(dialects)('migration 0023 on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;
  let db: Kysely<Database>;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ctx = t.ctx;
    db = ctx.store.db;
    for (const org of ['org_a', 'org_b']) {
      await insertOrg(db, org);
      await insertMassMessage(db, { id: `msg_${org}`, orgId: org, recipientCount: DEPTH / 2 });
    }
    // Every tenth delivery was sent, one a minute over the days since 0; the rest wait unsent.
    const rows = sql`select 'dlv_' || i as id, case when i % 20 < 10 then 'org_a' else 'org_b' end as org,
        i, case when i % 10 = 0 then cast(i as bigint) * 60000 end as sent_at`;
    const from =
      dialect === 'postgres'
        ? sql`${rows} from generate_series(1, ${sql.lit(DEPTH)}) as i`
        : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${sql.lit(DEPTH)}) ${rows} from s`;
    await sql`insert into deliveries (id, org_id, message_id, recipient, recipient_domain, type, priority, status,
        attempts, next_attempt_at, slowdowns, created_at, updated_at, sent_at)
      select r.id, r.org, 'msg_' || r.org, 'r' || r.i || '@example.net', 'example.net', 'mass', 2,
        case when r.sent_at is null then 'queued' else 'sent' end, 0, 0, 0, 0, 0, r.sent_at
      from (${from}) r`.execute(db);
    await sql`analyze`.execute(db);
  }, 300_000);
  afterAll(() => t.close());

  async function plan(q: CompiledQuery): Promise<string> {
    const explain = dialect === 'postgres' ? 'explain' : 'explain query plan';
    const res = await db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`${explain} ${q.sql}`, [...q.parameters]),
    );
    return res.rows.map((r) => (dialect === 'postgres' ? Object.values(r)[0] : r.detail)).join('\n');
  }

  async function indexes(): Promise<string[]> {
    const { rows } =
      dialect === 'postgres'
        ? await sql<{ name: string }>`select indexname as name from pg_indexes
            where schemaname = current_schema() and tablename = 'deliveries' order by 1`.execute(db)
        : await sql<{ name: string }>`select name from sqlite_master
            where type = 'index' and tbl_name = 'deliveries' and sql is not null order by 1`.execute(db);
    return rows.map((r) => r.name);
  }

  /** The day's sent mail of an org, as the complaint guard and the dashboard count it. */
  const sentQueries = (from: number, until: number) => [
    massDeliveredQuery(db, 'org_a', from, until).compile(),
    platformSentQuery(db, 'org_a', from, until).compile(),
  ];

  async function expectSentThroughIndex(): Promise<void> {
    for (const q of sentQueries(DAY, 2 * DAY)) {
      const p = await plan(q);
      if (dialect === 'postgres') {
        expect(p).toMatch(
          /Index (Only )?Scan using deliveries_org_sent|Bitmap Index Scan on deliveries_org_sent/,
        );
        expect(p).not.toMatch(/Seq Scan on deliveries/);
      } else {
        expect(p).toContain('USING INDEX deliveries_org_sent (org_id=? AND sent_at>? AND sent_at<?)');
        expect(p).not.toMatch(/SCAN deliveries(?! USING)/);
      }
    }
    // Sent at i minutes for every tenth i: a day holds 1,440 minutes, 144 of them sent, half of them org_a's.
    const sentOfDay = 72;
    expect(await complaintDay(db, 'org_a', DAY, 2 * DAY)).toEqual({ complaints: 0, delivered: sentOfDay });
    expect((await bounceCounts(db, 'org_a', DAY, 2 * DAY)).sent).toBe(sentOfDay);
  }

  it('leaves deliveries_waiting out and deliveries_org_sent to sent deliveries, read by the counts of sent mail', async () => {
    const names = await indexes();
    expect(names).not.toContain('deliveries_waiting');
    expect(names).toEqual(
      expect.arrayContaining(['deliveries_waiting_due', 'deliveries_fresh_due', 'deliveries_org_sent']),
    );
    await expectSentThroughIndex();
  });

  it('goes down and up again', async () => {
    await m0023.down(db);
    expect(await indexes()).toContain('deliveries_waiting');
    await expectSentThroughIndex();
    await m0023.up(db);
    expect(await indexes()).not.toContain('deliveries_waiting');
    await sql`analyze`.execute(db);
    await expectSentThroughIndex();
  });
});
