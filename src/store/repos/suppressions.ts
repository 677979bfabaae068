/**
 * The org's suppression list: one row per lower-case address (SPEC R20), with its scope: `all`
 * stops every mail, `mass` only mass email (`domain/suppressions.ts`).
 */
import { type Kysely, sql } from 'kysely';
import { type SuppressionReason, type SuppressionScope, scopesStopping } from '../../domain/suppressions.js';
import type { Store } from '../db.js';
import type { Database, SuppressionsTable } from '../schema.js';

const CHUNK = 500;

/**
 * The addresses of `addresses` (lower-cased) that keep mail of `type` (default: any) from them.
 * On PostgreSQL the addresses go as one array in one statement, however many there are (a mass
 * email's chunk of 10,000): a list of 500 parameters a statement cost client and server more than
 * the lookups themselves.
 */
export async function suppressedAmong(
  store: Pick<Store, 'db' | 'dialect'>,
  orgId: string,
  addresses: readonly string[],
  type = 'mass',
): Promise<Map<string, SuppressionReason>> {
  const { db, dialect } = store;
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const found = new Map<string, SuppressionReason>();
  const scopes = [...scopesStopping(type)];
  if (dialect === 'postgres') {
    const rows = await db
      .selectFrom('suppressions')
      .select(['address', 'reason'])
      .where('org_id', '=', orgId)
      .where('address', '=', sql<string>`any(${wanted}::text[])`)
      .where('scope', 'in', scopes)
      .execute();
    for (const r of rows) found.set(r.address, r.reason);
    return found;
  }
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await db
      .selectFrom('suppressions')
      .select(['address', 'reason'])
      .where('org_id', '=', orgId)
      .where('address', 'in', wanted.slice(i, i + CHUNK))
      .where('scope', 'in', scopes)
      .execute();
    for (const r of rows) found.set(r.address, r.reason);
  }
  return found;
}

/**
 * Adds the address unless it is there already; an entry of scope `all` replaces one of scope `mass`
 * (an unsubscribed address that then hard-bounces stops all mail). True when it added or replaced.
 */
export async function addSuppression(db: Kysely<Database>, row: SuppressionsTable): Promise<boolean> {
  const address = row.address.toLowerCase();
  const res = await db
    .insertInto('suppressions')
    .values({ ...row, address })
    .onConflict((oc) => oc.columns(['org_id', 'address']).doNothing())
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  if (row.scope !== 'all') return false;
  const widened = await db
    .updateTable('suppressions')
    .set({ scope: 'all', reason: row.reason, source: row.source, created_at: row.created_at })
    .where('org_id', '=', row.org_id)
    .where('address', '=', address)
    .where('scope', '=', 'mass' satisfies SuppressionScope)
    .executeTakeFirst();
  return Number(widened.numUpdatedRows) > 0;
}
