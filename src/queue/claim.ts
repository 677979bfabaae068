/**
 * Claiming due deliveries (Postfix's `qmgr`): a batch of queued or deferred deliveries whose time
 * has come, and `sending` ones whose lease ran out (their worker died), most urgent type first.
 * A claim is one statement: on PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so several
 * workers never take the same delivery; SQLite has one writer at a time.
 */
import type { Store } from '../store/db.js';
import type { DeliveriesTable } from '../store/schema.js';

export interface ClaimOptions {
  owner: string;
  limit: number;
  now: number;
  leaseMs: number;
}

export async function claimDue(store: Store, o: ClaimOptions): Promise<DeliveriesTable[]> {
  const { db } = store;
  let due = db
    .selectFrom('deliveries')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['queued', 'deferred']), eb('next_attempt_at', '<=', o.now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', o.now)]),
      ]),
    )
    .orderBy('priority')
    .orderBy('next_attempt_at')
    .limit(o.limit);
  if (store.dialect === 'postgres') due = due.forUpdate().skipLocked();
  const claimed = await db
    .updateTable('deliveries')
    .set({ status: 'sending', lease_owner: o.owner, lease_until: o.now + o.leaseMs, updated_at: o.now })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return claimed.sort((a, b) => a.priority - b.priority || a.next_attempt_at - b.next_attempt_at);
}

/** When the next delivery falls due, so an idle worker can sleep until then. */
export async function nextDueAt(store: Store): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}
