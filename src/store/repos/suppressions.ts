/** The org's suppression list: one row per lower-case address (SPEC R20). */
import type { Kysely } from 'kysely';
import type { Database, SuppressionReason, SuppressionsTable } from '../schema.js';

const CHUNK = 500;

/** The addresses of `addresses` (lower-cased) that the org suppresses. */
export async function suppressedAmong(
  db: Kysely<Database>,
  orgId: string,
  addresses: readonly string[],
): Promise<Map<string, SuppressionReason>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const found = new Map<string, SuppressionReason>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await db
      .selectFrom('suppressions')
      .select(['address', 'reason'])
      .where('org_id', '=', orgId)
      .where('address', 'in', wanted.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.set(r.address, r.reason);
  }
  return found;
}

/** Adds the address unless it is there already; true when it was added. */
export async function addSuppression(db: Kysely<Database>, row: SuppressionsTable): Promise<boolean> {
  const res = await db
    .insertInto('suppressions')
    .values({ ...row, address: row.address.toLowerCase() })
    .onConflict((oc) => oc.columns(['org_id', 'address']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}
