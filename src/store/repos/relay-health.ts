/**
 * The relay breaker's state in the database, the one truth every worker process shares (SPEC R13):
 * an org's live relays as they are now (enabled, suspended, counting failures), and the reset of
 * the consecutive-failure count that a successful send makes inside the commit of its outcome.
 */
import type { Kysely } from 'kysely';
import type { Database, RelaysTable } from '../schema.js';

/** An org's relays that are not deleted, as the database has them now. */
export function liveRelays(db: Kysely<Database>, orgId: string): Promise<RelaysTable[]> {
  return db
    .selectFrom('relays')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** A success ends a run of failures: one statement for every relay that sent in a commit. */
export async function resetRelayFailures(db: Kysely<Database>, relayIds: readonly string[]): Promise<void> {
  if (relayIds.length === 0) return;
  await db
    .updateTable('relays')
    .set({ failure_count: 0 })
    .where('id', 'in', [...relayIds])
    .where('failure_count', '>', 0)
    .execute();
}
