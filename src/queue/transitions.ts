/**
 * Every change of a claimed delivery's state, each with its attempt record, in one transaction.
 * Only the worker holding the lease may write; a write by a worker whose lease was taken over
 * changes nothing (and says so). Named states as in SPEC §3.
 */
import type { Kysely } from 'kysely';
import { newSortableId } from '../domain/ids.js';
import { archiveSent } from '../store/archive-codec.js';
import type { AttemptsTable, Database, DeliveriesTable, DeliveryStatus } from '../store/schema.js';

export type AttemptRecord = Omit<AttemptsTable, 'id' | 'org_id' | 'delivery_id'>;

export interface Transition {
  status: DeliveryStatus;
  route?: string | null;
  relayId?: string | null;
  nextAttemptAt?: number;
  countsAsAttempt: boolean;
  lastStatus?: string | null;
  lastReply?: string | null;
  relaysTried?: string[] | null;
  slowdowns?: number;
  sentAt?: number | null;
}

/** Applies a transition (and records the attempts made on the way); false when the lease was lost. */
export async function transition(
  db: Kysely<Database>,
  d: DeliveriesTable,
  owner: string,
  t: Transition,
  attempts: AttemptRecord[],
  now: number,
  archive?: { raw: Buffer },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('deliveries')
      .set({
        status: t.status,
        route: t.route === undefined ? d.route : t.route,
        relay_id: t.relayId === undefined ? d.relay_id : t.relayId,
        attempts: d.attempts + (t.countsAsAttempt ? 1 : 0),
        next_attempt_at: t.nextAttemptAt ?? d.next_attempt_at,
        lease_owner: null,
        lease_until: null,
        last_status: t.lastStatus === undefined ? d.last_status : t.lastStatus,
        last_reply: t.lastReply === undefined ? d.last_reply : t.lastReply,
        relays_tried:
          t.relaysTried === undefined
            ? d.relays_tried
            : t.relaysTried === null
              ? null
              : JSON.stringify(t.relaysTried),
        slowdowns: t.slowdowns ?? d.slowdowns,
        sent_at: t.sentAt === undefined ? d.sent_at : t.sentAt,
        updated_at: now,
      })
      .where('id', '=', d.id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    if (archive) {
      await trx
        .insertInto('archives')
        .values({
          delivery_id: d.id,
          org_id: d.org_id,
          created_at: now,
          raw_gzip_b64: archiveSent(archive.raw),
        })
        .onConflict((oc) =>
          oc.column('delivery_id').doUpdateSet({ created_at: now, raw_gzip_b64: archiveSent(archive.raw) }),
        )
        .execute();
    }
    for (const a of attempts) {
      await trx
        .insertInto('attempts')
        .values({ ...a, id: newSortableId('att'), org_id: d.org_id, delivery_id: d.id })
        .execute();
    }
    return true;
  });
}
