// Relay cap reservations under concurrency, on every dialect (issue 19): many deliveries of one
// worker asking for a slot at once share one reservation at a time, so they are admitted up to the
// cap exactly, and none is refused while the cap still has room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { add, current } from '../../src/queue/counters.js';
import { RelaySlots } from '../../src/queue/relay-slots.js';
import { createOrg } from '../../src/services/orgs.js';
import { openTestContext, type TestContext } from '../helpers/context.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('relay cap slots taken concurrently on %s', (dialect) => {
  let t: TestContext;
  let ctx: AppContext;

  beforeAll(async () => {
    t = await openTestContext(dialect);
    ({ ctx } = t);
  });
  afterAll(() => t.close());

  const takeAtOnce = (slots: RelaySlots, key: Parameters<RelaySlots['take']>[0], n: number, limit: number) =>
    Promise.all(Array.from({ length: n }, () => slots.take(key, limit)));

  it('admits all 64 at 410 of 1,000, holding no more than one chunk beyond them', async () => {
    const org = await createOrg(ctx, { name: 'Slots' });
    const key = { orgId: org.id, day: '2031-05-01', scope: 'rly_a' };
    await add(ctx.store.db, key, 410);
    const slots = new RelaySlots(ctx.store.db);
    const taken = await takeAtOnce(slots, key, 64, 1000);
    expect(taken.filter(Boolean)).toHaveLength(64);
    // Four chunks of 16: reserved in the database, none unused.
    expect(await current(ctx.store.db, key)).toBe(410 + 64);
    await slots.releaseUnused();
    expect(await current(ctx.store.db, key)).toBe(410 + 64);
  });

  it('admits exactly what is left under the cap, and refuses the rest', async () => {
    const org = await createOrg(ctx, { name: 'Slots near the cap' });
    const key = { orgId: org.id, day: '2031-05-01', scope: 'rly_b' };
    await add(ctx.store.db, key, 990);
    const slots = new RelaySlots(ctx.store.db);
    const taken = await takeAtOnce(slots, key, 64, 1000);
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect(await current(ctx.store.db, key)).toBe(1000);
    // A slot given back (an attempt that did not send) is taken again before the database is asked.
    slots.giveBack(key);
    expect(await takeAtOnce(slots, key, 3, 1000)).toEqual([true, false, false]);
  });

  it('shares the cap with a second worker: none refused below it, and unused slots go back', async () => {
    const org = await createOrg(ctx, { name: 'Two workers' });
    const key = { orgId: org.id, day: '2031-05-01', scope: 'rly_c' };
    await add(ctx.store.db, key, 900);
    const [a, b] = [new RelaySlots(ctx.store.db), new RelaySlots(ctx.store.db)];
    const [ta, tb] = await Promise.all([takeAtOnce(a, key, 40, 1000), takeAtOnce(b, key, 40, 1000)]);
    // 80 wanted, 100 left: each worker reserves three chunks of 16 at most, so all 80 fit.
    const admitted = [...ta, ...tb].filter(Boolean).length;
    expect(admitted).toBe(80);
    expect(await current(ctx.store.db, key)).toBeLessThanOrEqual(1000);
    // What one worker holds unused is not lost: it goes back when the worker falls idle.
    await a.releaseUnused();
    await b.releaseUnused();
    expect(await current(ctx.store.db, key)).toBe(980);
  });
});

describe('the size of a relay cap reservation', () => {
  it('is 16 for ordinary caps and grows with large ones, to 256 at most', async () => {
    const { chunkFor } = await import('../../src/queue/relay-slots.js');
    expect(chunkFor(1000)).toBe(16);
    expect(chunkFor(4096)).toBe(16);
    expect(chunkFor(20_000)).toBe(78);
    expect(chunkFor(10_000_000)).toBe(256);
  });
});
