/**
 * Claiming due deliveries (Postfix's `qmgr`): a batch of queued or deferred deliveries whose time
 * has come, most urgent type first. A claim is one statement: on PostgreSQL the rows are picked
 * `FOR UPDATE SKIP LOCKED`, so several workers never take the same delivery; SQLite has one writer
 * at a time. Deliveries left in `sending` by a worker that died go back to the queue once their
 * lease has run out.
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
    .where('status', 'in', ['queued', 'deferred'])
    .where('next_attempt_at', '<=', o.now)
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

/** Puts deliveries whose lease ran out (their worker died) back in the queue; returns how many. */
export async function reclaimExpiredLeases(store: Store, now: number): Promise<number> {
  const res = await store.db
    .updateTable('deliveries')
    .set({ status: 'queued', lease_owner: null, lease_until: null, updated_at: now })
    .where('status', '=', 'sending')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** When the next delivery falls due, so an idle worker can sleep until then. */
export async function nextDueAt(store: Store): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where('status', 'in', ['queued', 'deferred'])
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.next_attempt_at) : undefined;
}
