/**
 * The numbered slots of a limit shared by every process (issue 21, `limit_slots`): a limit of N has
 * slots 0…N-1, and a slot is free once its `expires_at` has passed. Taking a slot is one
 * conditional UPDATE, so two processes never hold the same one; a connection slot is a lease its
 * holder renews and gives back, a rate slot is taken for a minute and never given back. A worker
 * that crashes holds nothing once its leases expire.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Makes sure slots 0…max-1 of `key` exist (free). */
export async function ensureSlots(db: Kysely<Database>, key: string, max: number): Promise<void> {
  const values = Array.from({ length: max }, (_, slot) => ({ key, slot, holder: '', expires_at: 0 }));
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insertInto('limit_slots')
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['key', 'slot']).doNothing())
      .execute();
  }
}

/**
 * Takes up to `n` free slots below `max` for `holder` until `expiresAt`; returns their numbers
 * (none: every slot below `max` is taken).
 */
export async function takeSlots(
  db: Kysely<Database>,
  key: string,
  max: number,
  n: number,
  holder: string,
  now: number,
  expiresAt: number,
): Promise<number[]> {
  const got: number[] = [];
  // Another process may take the slots this one picked between the pick and the update: pick again.
  for (let round = 0; round < 3 && got.length < n; round++) {
    const free = db
      .selectFrom('limit_slots')
      .select('slot')
      .where('key', '=', key)
      .where('slot', '<', max)
      .where('expires_at', '<=', now)
      .limit(n - got.length);
    const rows = await db
      .updateTable('limit_slots')
      .set({ holder, expires_at: expiresAt })
      .where('key', '=', key)
      .where('slot', 'in', free)
      .where('expires_at', '<=', now)
      .returning('slot')
      .execute();
    for (const r of rows) got.push(Number(r.slot));
    if (rows.length === 0) {
      const left = await db
        .selectFrom('limit_slots')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('key', '=', key)
        .where('slot', '<', max)
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      if (Number(left?.n ?? 0) === 0) break;
    }
  }
  return got;
}

/** When the first slot below `max` frees itself (the earliest expiry), for a limit that is full. */
export async function nextFree(db: Kysely<Database>, key: string, max: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('limit_slots')
    .select((eb) => eb.fn.min('expires_at').as('at'))
    .where('key', '=', key)
    .where('slot', '<', max)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}

/** Extends every lease `holder` holds that has not expired. */
export async function renewHeld(db: Kysely<Database>, holder: string, now: number, expiresAt: number) {
  await db
    .updateTable('limit_slots')
    .set({ expires_at: expiresAt })
    .where('holder', '=', holder)
    .where('expires_at', '>', now)
    .execute();
}

/** Gives a lease back (only if `holder` still holds it). */
export async function releaseSlot(db: Kysely<Database>, key: string, slot: number, holder: string) {
  await db
    .updateTable('limit_slots')
    .set({ expires_at: 0 })
    .where('key', '=', key)
    .where('slot', '=', slot)
    .where('holder', '=', holder)
    .execute();
}

/** How many slots of each key are taken at `now` (connections in use; sends in the last minute). */
export async function slotsInUse(
  db: Kysely<Database>,
  keys: string[],
  now: number,
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('limit_slots')
    .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('key', 'in', keys)
    .where('expires_at', '>', now)
    .groupBy('key')
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}
