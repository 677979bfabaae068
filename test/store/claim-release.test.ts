// Deliveries a worker claimed ahead of its free slots and never started go back to the queue when
// it stops (`releaseClaims`): only those it still holds, and then any worker can claim them again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { claimDue, releaseClaims } from '../../src/queue/claim.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('claimed deliveries given back on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ctx = t.ctx;
    const db = ctx.store.db;
    await db
      .insertInto('orgs')
      .values({ id: 'org_r', name: 'release', plan: 'standard', datacenter: 'jp', created_at: 0 })
      .execute();
    await db
      .insertInto('messages')
      .values({
        id: 'msg_r',
        org_id: 'org_r',
        type: 'mass',
        from_address: 'news@sakura.com',
        from_domain: 'sakura.com',
        subject: 'Bulk',
        content: '{}',
        metadata: null,
        size: 10,
        recipient_count: 6,
        submitted_by: 'test',
        created_at: 0,
      })
      .execute();
    await db
      .insertInto('deliveries')
      .values(
        Array.from({ length: 6 }, (_, i) => ({
          id: `dlv_r${i}`,
          org_id: 'org_r',
          message_id: 'msg_r',
          recipient: `r${i}@example.net`,
          recipient_domain: 'example.net',
          type: 'mass' as const,
          priority: 2,
          status: 'queued' as const,
          attempts: 0,
          next_attempt_at: t.clock.now() - 1,
          slowdowns: 0,
          created_at: 0,
          updated_at: 0,
        })),
      )
      .execute();
  });
  afterAll(() => t.close());

  const statuses = async () =>
    Object.fromEntries(
      (
        await ctx.store.db
          .selectFrom('deliveries')
          .select(['id', 'status', 'lease_owner'])
          .orderBy('id')
          .execute()
      ).map((r) => [r.id, `${r.status}:${r.lease_owner ?? '-'}`]),
    );

  it('returns only the deliveries the worker still holds, and they can be claimed again', async () => {
    const now = t.clock.now();
    const a = await claimDue(ctx.store, { owner: 'worker-a', limit: 4, now, leaseMs: 60_000 });
    const b = await claimDue(ctx.store, { owner: 'worker-b', limit: 4, now, leaseMs: 60_000 });
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(2);
    // A worker cannot give back what another holds.
    await releaseClaims(
      ctx.store,
      'worker-a',
      b.map((d) => d.id),
    );
    for (const d of b) expect((await statuses())[d.id]).toBe('sending:worker-b');
    await releaseClaims(
      ctx.store,
      'worker-a',
      a.slice(2).map((d) => d.id),
    );
    const after = await statuses();
    for (const d of a.slice(0, 2)) expect(after[d.id]).toBe('sending:worker-a');
    for (const d of a.slice(2)) expect(after[d.id]).toBe('queued:-');
    const again = await claimDue(ctx.store, { owner: 'worker-c', limit: 10, now, leaseMs: 60_000 });
    expect(again.map((d) => d.id).sort()).toEqual(
      a
        .slice(2)
        .map((d) => d.id)
        .sort(),
    );
  });
});
