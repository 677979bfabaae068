/**
 * Every change of a claimed delivery's state, each with its attempt record, in one transaction.
 * Only the worker holding the lease may write; a write by a worker whose lease was taken over
 * changes nothing (and says so). Named states as in SPEC §3.
 */
import type { Kysely } from 'kysely';
import { newSortableId } from '../domain/ids.js';
import { archiveSent } from '../store/archive-codec.js';
import type { AttemptsTable, Database, DeliveriesTable, DeliveryStatus } from '../store/schema.js';
import { add, type CounterKey } from './counters.js';

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

/** Applies a transition in its own transaction; false when the lease was lost. */
export function transition(
  db: Kysely<Database>,
  d: DeliveriesTable,
  owner: string,
  t: Transition,
  attempts: AttemptRecord[],
  now: number,
  archive?: { raw: Buffer },
): Promise<boolean> {
  return db.transaction().execute((trx) => applyTransition(trx, d, owner, t, attempts, now, archive));
}

/** Applies a transition (and records the attempts made on the way) inside the caller's transaction. */
async function applyTransition(
  trx: Kysely<Database>,
  d: DeliveriesTable,
  owner: string,
  t: Transition,
  attempts: AttemptRecord[],
  now: number,
  archive?: { raw: Buffer },
): Promise<boolean> {
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
    const stored = archiveSent(archive.raw);
    await trx
      .insertInto('archives')
      .values({ delivery_id: d.id, org_id: d.org_id, created_at: now, raw_gzip_b64: stored })
      .onConflict((oc) => oc.column('delivery_id').doUpdateSet({ created_at: now, raw_gzip_b64: stored }))
      .execute();
  }
  for (const a of attempts) {
    await trx
      .insertInto('attempts')
      .values({ ...a, id: newSortableId('att'), org_id: d.org_id, delivery_id: d.id })
      .execute();
  }
  return true;
}

export interface PendingTransition {
  delivery: DeliveriesTable;
  owner: string;
  transition: Transition;
  attempts: AttemptRecord[];
  now: number;
  archive?: { raw: Buffer };
  /** Counters to add in the same transaction (e.g. platform usage). */
  counters?: { key: CounterKey; n: number }[];
}

/**
 * Group commit: transitions that finish while a write is in progress are written together in the
 * next transaction, so a busy worker pays for one commit (one fsync on SQLite) per batch instead of
 * one per delivery. Each caller still learns whether its own transition was applied.
 */
export class TransitionWriter {
  private pending: { item: PendingTransition; done: (ok: boolean) => void; fail: (e: unknown) => void }[] =
    [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;

  constructor(private db: Kysely<Database>) {}

  write(item: PendingTransition): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ item, done, fail });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.flushing) {
      await this.flushing;
      if (this.pending.length > 0) this.schedule();
      return;
    }
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.flushing = this.db
      .transaction()
      .execute(async (trx) => {
        const results: boolean[] = [];
        for (const { item } of batch) results.push(await apply(trx, item));
        return results;
      })
      .then(
        (results) => {
          for (const [i, b] of batch.entries()) b.done(results[i]!);
        },
        (err) => {
          for (const b of batch) b.fail(err);
        },
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0) this.schedule();
      });
    await this.flushing;
  }
}

async function apply(trx: Kysely<Database>, p: PendingTransition): Promise<boolean> {
  const ok = await applyTransition(trx, p.delivery, p.owner, p.transition, p.attempts, p.now, p.archive);
  if (ok) for (const c of p.counters ?? []) await add(trx, c.key, c.n);
  return ok;
}
