/** Daily usage counters per org, day and scope (`plan`, `platform` or a relay id). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function usageOn(
  db: Kysely<Database>,
  orgId: string,
  day: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('usage_counters')
    .select(['scope', 'count'])
    .where('org_id', '=', orgId)
    .where('day', '=', day)
    .execute();
  return new Map(rows.map((r) => [r.scope, Number(r.count)]));
}
