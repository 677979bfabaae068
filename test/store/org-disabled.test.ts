// A disabled org's queue is held, on every dialect: claims and the idle worker's "next due" skip its
// queued and deferred deliveries, nothing about them changes, and they are claimed again once the
// org is enabled. The operator's changes are in the org's audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { claimDue, nextDueAt, reclaimExpiredLeases } from '../../src/queue/claim.js';
import { enqueue } from '../../src/queue/enqueue.js';
import { changePlan, listOrgs, setOrgDisabled } from '../../src/services/operator-orgs.js';
import { createOrg } from '../../src/services/orgs.js';
import { listAudit } from '../../src/store/repos/audit-log.js';
import type { TestClock } from '../helpers/clock.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('the queue of a disabled org on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;
  let clock: TestClock;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ({ ctx, clock } = t);
  });
  afterAll(() => t.close());

  async function queue(orgId: string, n: number, at: number, priority: number) {
    const { deliveries } = await enqueue(
      ctx.store.db,
      {
        org_id: orgId,
        type: 'mass',
        from_address: 'news@sakura.com',
        from_domain: 'sakura.com',
        subject: 's',
        content: '{}',
        metadata: null,
        size: 1,
        submitted_by: 'test',
      },
      Array.from({ length: n }, (_, i) => ({
        recipient: `r${i}@example.net`,
        recipientDomain: 'example.net',
      })),
      { now: at, priority },
    );
    return deliveries.map((d) => d.id).sort();
  }

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
  const statuses = async (list: string[]) =>
    (await ctx.store.db.selectFrom('deliveries').select('status').where('id', 'in', list).execute()).map(
      (r) => r.status,
    );

  it('is skipped by claims and by the next due time, and goes out after the org is enabled', async () => {
    const held = await createOrg(ctx, { name: 'Held' });
    const other = await createOrg(ctx, { name: 'Other' });
    const alsoHeld = await createOrg(ctx, { name: 'AlsoHeld' });
    const now = clock.now();
    // The held orgs' mail is the most urgent and the longest due: first in the claim's order.
    const heldIds = await queue(held.id, 3, now - 60_000, 1);
    const alsoHeldIds = await queue(alsoHeld.id, 2, now - 60_000, 1);
    const otherIds = await queue(other.id, 2, now + 5_000, 3);
    // A delivery claimed before the org is disabled stays with its worker.
    const inFlight = await claimDue(ctx.store, { owner: 'w0', limit: 1, now, leaseMs: 1_000 });
    expect(heldIds).toContain(inFlight[0]!.id);

    await setOrgDisabled(ctx, held.name, true);
    await setOrgDisabled(ctx, alsoHeld.id, true); // two disabled orgs at once: a list, not one value
    expect(await claimDue(ctx.store, { owner: 'w1', limit: 10, now, leaseMs: 60_000 })).toEqual([]);
    expect(await nextDueAt(ctx.store)).toBe(now + 5_000);

    clock.advance(10_000);
    const later = clock.now();
    // The in-flight delivery's worker died: its lease runs out, it goes back to the queue, held.
    expect(await reclaimExpiredLeases(ctx.store, later)).toBe(1);
    const claimed = await claimDue(ctx.store, { owner: 'w1', limit: 10, now: later, leaseMs: 60_000 });
    expect(ids(claimed)).toEqual(otherIds);
    expect(await statuses(heldIds)).toEqual(['queued', 'queued', 'queued']);
    expect(await nextDueAt(ctx.store)).toBeUndefined();

    await setOrgDisabled(ctx, held.id, false);
    expect(await nextDueAt(ctx.store)).toBe(now - 60_000);
    const released = await claimDue(ctx.store, { owner: 'w2', limit: 10, now: later, leaseMs: 60_000 });
    expect(ids(released)).toEqual(heldIds);
    expect(await statuses(alsoHeldIds)).toEqual(['queued', 'queued']);
    const rows = await listOrgs(ctx);
    expect(rows.find((o) => o.id === alsoHeld.id)).toMatchObject({ disabled: true, queued: 2 });
    expect(rows.find((o) => o.id === held.id)).toMatchObject({ disabled: false, queued: 0 });
  });

  it('writes each operator change to the org’s audit log, and a repeated one only once', async () => {
    const org = await createOrg(ctx, { name: 'Audited' });
    await changePlan(ctx, org.id, 'top');
    await changePlan(ctx, org.name, 'top');
    await setOrgDisabled(ctx, org.name, true);
    await setOrgDisabled(ctx, org.name, true);
    await setOrgDisabled(ctx, org.name, false);
    await expect(changePlan(ctx, org.id, 'gold')).rejects.toThrow(
      'unknown plan "gold"; plans: standard, top',
    );
    await expect(setOrgDisabled(ctx, 'Nobody', true)).rejects.toThrow('org "Nobody" not found');
    const audit = await listAudit(ctx.store.db, { orgId: org.id, limit: 10 });
    expect(audit.map((a) => [a.action, a.actor_type, a.after]).reverse()).toEqual([
      ['org.create', 'system', expect.any(String)],
      ['org.plan', 'system', JSON.stringify({ plan: 'top' })],
      ['org.disable', 'system', expect.stringContaining('"disabledAt":"')],
      ['org.enable', 'system', JSON.stringify({ disabledAt: null })],
    ]);
    expect((await listOrgs(ctx)).find((o) => o.id === org.id)).toMatchObject({
      plan: 'top',
      disabled: false,
    });
  });
});
