// The queue's hot queries must use the partial indexes made for them, not scan the deliveries
// table: a claim that scans costs time in proportion to everything ever queued.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { claimQuery, nextDueQuery, reclaimQuery } from '../../src/queue/claim.js';
import { openTestContext, type TestContext } from '../helpers/context.js';

describe('queue query plans on SQLite', () => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext('sqlite');
    ctx = t.ctx;
  });
  afterAll(() => t.close());

  async function plan(q: { compile(): CompiledQuery }): Promise<string> {
    const c = q.compile();
    const res = await ctx.store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]),
    );
    return res.rows.map((r) => r.detail).join('\n');
  }

  it.each([
    ['fresh', 'deliveries_fresh_due'],
    ['retry', 'deliveries_retry_due'],
  ] as const)(
    "a %s claim seeks each priority's due range of %s, without sorting the table",
    async (kind, index) => {
      const p = await plan(claimQuery(ctx.store, { owner: 'o', limit: 16, now: 1, leaseMs: 1000 }, kind));
      // One seek per priority; only the at most 5 × limit rows they found are sorted together.
      expect(
        p.match(
          new RegExp(
            `SEARCH deliveries USING INDEX ${index} \\(priority=\\? AND next_attempt_at<\\?\\)`,
            'g',
          ),
        ),
      ).toHaveLength(3);
      expect(p).not.toMatch(/SCAN deliveries/);
      // Disabled orgs are skipped through their own partial index, read once per claim.
      expect(p).toContain('USING INDEX orgs_disabled');
      expect(p).not.toMatch(/SCAN orgs(?! USING)/);
    },
  );

  it('the next due time and the lease reclaim read their partial indexes', async () => {
    const due = await plan(nextDueQuery(ctx.store));
    expect(due).toMatch(/deliveries_waiting_due/);
    expect(due).not.toContain('TEMP B-TREE');
    expect(due).toContain('USING INDEX orgs_disabled');
    expect(await plan(reclaimQuery(ctx.store, 1))).toContain('deliveries_leased');
  });
});
