/**
 * Daily counters that must hold exactly across processes: the plan's daily limit (reserved whole
 * at submission, SPEC R11) and each relay's cap (claimed one delivery at a time, R10). Each claim
 * is one conditional upsert, atomic on SQLite and PostgreSQL alike: it adds only while the sum
 * stays within the limit, and says whether it did.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

export interface CounterKey {
  orgId: string;
  day: string;
  scope: string;
}

/** Adds `n` unless that would pass `limit`; returns the new count, or undefined when refused. */
export async function addWithin(
  db: Kysely<Database>,
  key: CounterKey,
  n: number,
  limit: number,
): Promise<number | undefined> {
  if (n > limit) return undefined;
  const row = await db
    .insertInto('usage_counters')
    .values({ org_id: key.orgId, day: key.day, scope: key.scope, count: n })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'day', 'scope'])
        .doUpdateSet({ count: sql`usage_counters.count + excluded.count` })
        .where(sql<boolean>`usage_counters.count + excluded.count <= ${limit}`),
    )
    .returning('count')
    .executeTakeFirst();
  return row ? Number(row.count) : undefined;
}

/** Adds `n` without a limit (platform usage, reporting). */
export async function add(db: Kysely<Database>, key: CounterKey, n: number): Promise<void> {
  await db
    .insertInto('usage_counters')
    .values({ org_id: key.orgId, day: key.day, scope: key.scope, count: n })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'day', 'scope'])
        .doUpdateSet({ count: sql`usage_counters.count + excluded.count` }),
    )
    .execute();
}

/** Gives back a claimed unit (a relay attempt that did not send), never below zero. */
export async function release(db: Kysely<Database>, key: CounterKey, n = 1): Promise<void> {
  await db
    .updateTable('usage_counters')
    .set({ count: sql`case when count >= ${n} then count - ${n} else 0 end` })
    .where('org_id', '=', key.orgId)
    .where('day', '=', key.day)
    .where('scope', '=', key.scope)
    .execute();
}

export async function current(db: Kysely<Database>, key: CounterKey): Promise<number> {
  const row = await db
    .selectFrom('usage_counters')
    .select('count')
    .where('org_id', '=', key.orgId)
    .where('day', '=', key.day)
    .where('scope', '=', key.scope)
    .executeTakeFirst();
  return row ? Number(row.count) : 0;
}
