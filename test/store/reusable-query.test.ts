// A query compiled once binds each call's values where its named parameters were, keeps its
// constants, and refuses a builder that derives a bound value from the named ones. The queue's
// claim reused this way binds exactly what the claim built anew binds, on every dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimQuery } from '../../src/queue/claim.js';
import { reusable } from '../../src/store/reusable-query.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('a reusable query on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await openTestContext(dialect);
  });
  afterAll(() => t.close());

  it('binds the values of each call and keeps the constants', () => {
    const db = t.ctx.store.db;
    const q = reusable(
      (v: { org: string; at: number }) =>
        db
          .selectFrom('deliveries')
          .select('id')
          .where('org_id', '=', v.org)
          .where('next_attempt_at', '<=', v.at)
          .where('attempts', '<', 3)
          .where('updated_at', '>', v.at)
          .compile(),
      { org: '', at: 0 },
    );
    const a = q({ org: 'org_a', at: 100 });
    const b = q({ org: 'org_b', at: 200 });
    expect(a.parameters).toEqual(['org_a', 100, 3, 100]);
    expect(b.parameters).toEqual(['org_b', 200, 3, 200]);
    expect(a.sql).toBe(b.sql);
  });

  it('refuses a bound value derived from the named ones', () => {
    const db = t.ctx.store.db;
    expect(() =>
      reusable(
        (v: { at: number }) =>
          db
            .selectFrom('deliveries')
            .select('id')
            .where('lease_until', '<', v.at + 5)
            .compile(),
        { at: 0 },
      ),
    ).toThrow(/derived/);
  });

  it('gives the claim the statement and values the claim compiled anew has', () => {
    const store = t.ctx.store;
    for (const kind of ['fresh', 'retry'] as const) {
      const q = reusable(
        (v: { owner: string; limit: number; now: number; leaseUntil: number }) =>
          claimQuery(
            store,
            { owner: v.owner, limit: v.limit, now: v.now, leaseMs: v.leaseUntil - v.now },
            kind,
          ).compile(),
        { owner: '', limit: 0, now: 0, leaseUntil: 0 },
      );
      const o = { owner: 'host:1:ab', limit: 17, now: 1_800_000_000_000, leaseMs: 300_000 };
      const fresh = claimQuery(store, o, kind).compile();
      const reused = q({ owner: o.owner, limit: o.limit, now: o.now, leaseUntil: o.now + o.leaseMs });
      expect(reused.sql).toBe(fresh.sql);
      expect(reused.parameters).toEqual(fresh.parameters);
    }
  });
});
