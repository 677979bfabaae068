/**
 * Every change of a claimed delivery's state, with its attempt records, archive, counters,
 * webhook event (`delivery.sent`, `.deferred`, `.bounced`, `.failed`, and `.delayed` with the first
 * deferral), a refusal's bounce record and
 * suppression (source `smtp`, SPEC R18, R20) and, for a send through a
 * relay, the reset of that relay's consecutive-failure count (the breaker, SPEC R13), in
 * one transaction shared by the changes that finish together (group commit). Only the worker
 * holding the lease may write; a write by a worker whose lease was taken over changes nothing
 * (and says so). Named states as in SPEC §3.
 */
import type { Kysely } from 'kysely';
import type { DeliveryStatus } from '../domain/delivery-statuses.js';
import { newSortableId } from '../domain/ids.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import type { RouteReasons } from '../domain/route-reasons.js';
import { type SmtpBounce, smtpBounceSource } from '../domain/smtp-bounce.js';
import type { Store } from '../store/db.js';
import { resetRelayFailures } from '../store/repos/relay-health.js';
import { recordSmtpBounces } from '../store/repos/smtp-bounces.js';
import type { AttemptsTable, Database, DeliveriesTable, SuppressionReason } from '../store/schema.js';
import { add, type CounterKey } from './counters.js';
import { type DeliveryRow, writeDeliveryRows } from './delivery-rows.js';

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
  /** The kind of envelope sender of the message handed over (with `sent`). */
  returnPathKind?: ReturnPathKind;
  /**
   * A refusal at SMTP time that is a bounce (with `bounced`, `domain/smtp-bounce.ts`): recorded,
   * and the address suppressed as the bounce rule says, in the same transaction.
   */
  bounce?: SmtpBounce;
  /** Why routing chose this (issue 19); absent: the stored reasons stay. */
  reasons?: RouteReasons;
}

/** The delivery's row after the transition. */
function rowAfter(d: DeliveriesTable, owner: string, t: Transition, now: number): DeliveryRow {
  return {
    id: d.id,
    owner,
    status: t.status,
    route: t.route === undefined ? d.route : t.route,
    relay_id: t.relayId === undefined ? d.relay_id : t.relayId,
    attempts: d.attempts + (t.countsAsAttempt ? 1 : 0),
    next_attempt_at: t.nextAttemptAt ?? d.next_attempt_at,
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
    return_path_kind: t.returnPathKind ?? d.return_path_kind,
    route_reasons: t.reasons === undefined ? d.route_reasons : JSON.stringify(t.reasons),
    updated_at: now,
  };
}

export interface PendingTransition {
  delivery: DeliveriesTable;
  owner: string;
  transition: Transition;
  attempts: AttemptRecord[];
  now: number;
  /** The sent MIME, already compressed for the archive (`store/archive-codec.ts`). */
  archive?: { stored: string };
  /** Counters to add in the same transaction (e.g. platform usage). */
  counters?: { key: CounterKey; n: number }[];
}

/**
 * How long the first finished transition waits for others to share its transaction (like
 * PostgreSQL's `commit_delay`). A commit writes every page the batch touched (the deliveries row,
 * its partial indexes, the attempts, archives and events), so pages shared by many deliveries are
 * written once: measured with 20,000 deliveries on SQLite, flushing at the next turn of the event
 * loop gave 3 deliveries a commit at 0.2 ms each; waiting 2 ms gives about 12, and end-to-end
 * throughput rose by a quarter. 5 ms (issue 22, personalized mail, A/B against 2 ms in one
 * session) took a tenth less CPU per delivery. Each delivery's result is written 5 ms later:
 * nothing for mail.
 */
const GATHER_MS = 5;

/**
 * Group commit: transitions that finish within the gathering window, or while a write is in
 * progress, are written together in the next transaction, so a busy worker pays for one commit per
 * batch instead of one per delivery. Each caller still learns whether its own transition was
 * applied.
 */
export class TransitionWriter {
  private pending: { item: PendingTransition; done: (ok: boolean) => void; fail: (e: unknown) => void }[] =
    [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;

  /** `timeZone`: the server's default, for the orgs' settings the suppression rule reads. */
  constructor(
    private store: Store,
    private timeZone: string,
  ) {}

  write(item: PendingTransition): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ item, done, fail });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => void this.flush(), GATHER_MS);
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
    const { db, dialect } = this.store;
    this.flushing = db
      .transaction()
      .execute((trx) =>
        applyBatch(
          trx,
          dialect,
          this.timeZone,
          batch.map((b) => b.item),
        ),
      )
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

const ROWS_PER_INSERT = 200;

/** One transaction for a batch: the state changes, then the attempts, archives, bounces, events
 * and counters of the applied ones, each kind in a few multi-row statements. */
async function applyBatch(
  trx: Kysely<Database>,
  dialect: Store['dialect'],
  timeZone: string,
  items: PendingTransition[],
): Promise<boolean[]> {
  const changed = new Set<string>();
  for (let i = 0; i < items.length; i += ROWS_PER_INSERT) {
    const rows = items
      .slice(i, i + ROWS_PER_INSERT)
      .map((p) => rowAfter(p.delivery, p.owner, p.transition, p.now));
    for (const id of await writeDeliveryRows(trx, dialect, rows)) changed.add(id);
  }
  const results = items.map((p) => changed.has(p.delivery.id));
  const applied = items.filter((_, i) => results[i]);
  const attempts = applied.flatMap((p) =>
    p.attempts.map((a) => ({
      ...a,
      id: newSortableId('att'),
      org_id: p.delivery.org_id,
      delivery_id: p.delivery.id,
    })),
  );
  for (let i = 0; i < attempts.length; i += ROWS_PER_INSERT)
    await trx
      .insertInto('attempts')
      .values(attempts.slice(i, i + ROWS_PER_INSERT))
      .execute();
  const archives = applied
    .filter((p) => p.archive)
    .map((p) => ({
      delivery_id: p.delivery.id,
      org_id: p.delivery.org_id,
      created_at: p.now,
      raw_gzip_b64: p.archive!.stored,
    }));
  for (let i = 0; i < archives.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('archives')
      .values(archives.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) =>
        oc.column('delivery_id').doUpdateSet((eb) => ({
          created_at: eb.ref('excluded.created_at'),
          raw_gzip_b64: eb.ref('excluded.raw_gzip_b64'),
        })),
      )
      .execute();
  }
  const bounces = applied.flatMap((p) =>
    p.transition.bounce ? [{ delivery: p.delivery, bounce: p.transition.bounce, now: p.now }] : [],
  );
  const suppressed =
    bounces.length > 0
      ? await recordSmtpBounces(trx, timeZone, bounces)
      : new Map<string, SuppressionReason>();
  const events = applied.flatMap((p) => deliveryEvent(p, suppressed.get(p.delivery.id)));
  for (let i = 0; i < events.length; i += ROWS_PER_INSERT)
    await trx
      .insertInto('events')
      .values(events.slice(i, i + ROWS_PER_INSERT))
      .execute();
  const counters = new Map<string, { key: CounterKey; n: number }>();
  for (const c of applied.flatMap((p) => p.counters ?? [])) {
    const k = `${c.key.orgId}|${c.key.day}|${c.key.scope}`;
    const cur = counters.get(k);
    if (cur) cur.n += c.n;
    else counters.set(k, { ...c });
  }
  for (const c of counters.values()) await add(trx, c.key, c.n);
  await resetRelayFailures(trx, relaysThatSent(applied));
  return results;
}

/** The relays that sent a delivery of the batch: each success ends its relay's run of failures. */
function relaysThatSent(applied: PendingTransition[]): string[] {
  const ids = new Set<string>();
  for (const p of applied)
    if (p.transition.status === 'sent' && p.transition.relayId) ids.add(p.transition.relayId);
  return [...ids];
}

/** Final and retry states that are webhook events (`domain/webhook-events.ts`); `queued` is not one. */
const EVENT_OF: Partial<Record<DeliveryStatus, string>> = {
  sent: 'delivery.sent',
  deferred: 'delivery.deferred',
  bounced: 'delivery.bounced',
  failed: 'delivery.failed',
};

/**
 * The event row of an applied transition, written in the same multi-row insert as the others. A
 * bounce at SMTP time adds what a DSN's `delivery.bounced` says: its class, reason, source and the
 * suppression it added.
 */
function deliveryEvent(p: PendingTransition, suppressed: SuppressionReason | undefined) {
  const type = EVENT_OF[p.transition.status];
  if (!type) return [];
  const types = isFirstDeferral(p) ? [type, 'delivery.delayed'] : [type];
  const d = p.delivery;
  const t = p.transition;
  const route = t.route === undefined ? d.route : t.route;
  return types.map((type) => ({
    id: newSortableId('evt'),
    org_id: d.org_id,
    type,
    data: JSON.stringify({
      deliveryId: d.id,
      messageId: d.message_id,
      recipient: d.recipient,
      type: d.type,
      status: t.status,
      route,
      smtpStatus: t.lastStatus ?? null,
      reply: t.lastReply ?? null,
      attempts: d.attempts + (t.countsAsAttempt ? 1 : 0),
      nextAttemptAt:
        t.status === 'deferred' && t.nextAttemptAt ? new Date(t.nextAttemptAt).toISOString() : null,
      ...(t.bounce
        ? {
            class: t.bounce.class,
            reason: t.bounce.reason,
            source: smtpBounceSource,
            suppressed: suppressed ?? null,
          }
        : {}),
    }),
    created_at: p.now,
  }));
}

/**
 * The first deferral of a delivery (issue 21): besides `delivery.deferred` it writes one
 * `delivery.delayed`, with the next attempt time. Every attempt that counted before this one ended
 * the delivery or deferred it, so a delivery deferred with no attempt counted yet is deferred for
 * the first time (waits for a paced relay never count).
 */
function isFirstDeferral(p: PendingTransition): boolean {
  return p.transition.status === 'deferred' && p.transition.countsAsAttempt && p.delivery.attempts === 0;
}
