// The batched state write of the delivery stage, on every dialect: rows still leased by their
// owner take their new columns (numbers stay numbers, nulls stay null); a row another worker
// has taken over is left as it was, and the caller learns which rows changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { claimDue } from '../../src/queue/claim.js';
import { type DeliveryRow, writeDeliveryRows } from '../../src/queue/delivery-rows.js';
import { enqueue } from '../../src/queue/enqueue.js';
import { createOrg } from '../../src/services/orgs.js';
import type { TestClock } from '../helpers/clock.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('writing delivery states in one statement on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;
  let clock: TestClock;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ({ ctx, clock } = t);
  });
  afterAll(() => t.close());

  it('changes only the rows their owner still holds, and says which', async () => {
    const org = await createOrg(ctx, { name: 'Rows' });
    const now = clock.now();
    await enqueue(
      ctx.store.db,
      {
        org_id: org.id,
        type: 'mass',
        from_address: 'news@sakura.com',
        from_domain: 'sakura.com',
        subject: 's',
        content: '{}',
        metadata: null,
        size: 1,
        submitted_by: 'test',
      },
      ['a', 'b', 'c'].map((r) => ({ recipient: `${r}@example.net`, recipientDomain: 'example.net' })),
      { now, priority: 2 },
    );
    const mine = await claimDue(ctx.store, { owner: 'w1', limit: 2, now, leaseMs: 60_000 });
    const theirs = await claimDue(ctx.store, { owner: 'w2', limit: 1, now, leaseMs: 60_000 });
    expect([mine.length, theirs.length]).toEqual([2, 1]);
    const row = (id: string, over: Partial<DeliveryRow>): DeliveryRow => ({
      id,
      owner: 'w1',
      status: 'sent',
      route: 'platform',
      relay_id: null,
      attempts: 1,
      next_attempt_at: now,
      last_status: '2.0.0',
      last_reply: '250 OK',
      relays_tried: null,
      slowdowns: 0,
      sent_at: now + 1,
      return_path_kind: 'verp',
      route_reasons: '{"route":"platform","because":"no_relay","relays":[]}',
      updated_at: now + 1,
      ...over,
    });
    const later = 1_900_000_000_123;
    const changed = await writeDeliveryRows(ctx.store.db, ctx.store.dialect, [
      row(mine[0]!.id, {}),
      row(mine[1]!.id, {
        status: 'deferred',
        next_attempt_at: later,
        last_status: '4.2.1',
        relays_tried: '["rly_1"]',
        slowdowns: 2,
        sent_at: null,
      }),
      row(theirs[0]!.id, {}),
    ]);
    expect([...changed].sort()).toEqual([mine[0]!.id, mine[1]!.id].sort());
    const rows = await ctx.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where(
        'id',
        'in',
        [...mine, ...theirs].map((d) => d.id),
      )
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(mine[0]!.id)).toMatchObject({
      status: 'sent',
      route: 'platform',
      attempts: 1,
      sent_at: now + 1,
      route_reasons: '{"route":"platform","because":"no_relay","relays":[]}',
      lease_owner: null,
      lease_until: null,
    });
    expect(byId.get(mine[1]!.id)).toMatchObject({
      status: 'deferred',
      next_attempt_at: later,
      last_status: '4.2.1',
      relays_tried: '["rly_1"]',
      slowdowns: 2,
      sent_at: null,
      lease_owner: null,
    });
    expect(byId.get(theirs[0]!.id)).toMatchObject({ status: 'sending', lease_owner: 'w2', attempts: 0 });
    expect(await writeDeliveryRows(ctx.store.db, ctx.store.dialect, [])).toEqual(new Set());
  });
});
