/**
 * Claiming due deliveries (Postfix's `qmgr`): a batch of queued or deferred deliveries whose time
 * has come, most urgent type first. A claim is one statement: on PostgreSQL the rows are picked
 * `FOR UPDATE SKIP LOCKED`, so several workers never take the same delivery; SQLite has one writer
 * at a time. Retries and fresh mail are claimed side by side (`claimDue`). Deliveries left in `sending` by a worker that died go back to the queue once their
 * lease has run out. Deliveries of a disabled org are skipped, not changed: they wait, held, until the
 * operator enables the org again (a delivery already claimed when its org is disabled finishes).
 */
import { type CompiledQuery, sql } from 'kysely';
import type { Store } from '../store/db.js';
import { reusable } from '../store/reusable-query.js';
import type { DeliveriesTable } from '../store/schema.js';

/**
 * The queue's states as literals, not bound parameters: a partial index (`where status in
 * ('queued', 'deferred')`) serves only a query whose condition visibly implies its own, and SQLite
 * cannot see that through a parameter, so a bound status made every claim scan the whole table.
 */
export const isWaiting = sql<boolean>`${sql.ref('status')} in ('queued', 'deferred')`;
export const isSending = sql<boolean>`${sql.ref('status')} = 'sending'`;

/**
 * Not a delivery of a disabled org. The list of disabled orgs comes from their partial index
 * (`orgs_disabled`) once per statement; the claim still walks its own partial index in order.
 */
export function disabledOrgs(store: Store) {
  return store.db.selectFrom('orgs').select('orgs.id').where('orgs.disabled_at', 'is not', null);
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  now: number;
  leaseMs: number;
}

/** The queue priorities (`typePriority`, `domain/routing.ts`): 0 individual and system, 1 workflow, 2 mass. */
export const PRIORITIES = [0, 1, 2] as const;

/**
 * The claim of one kind of waiting delivery as one statement (exported so its query plan can be
 * checked): `fresh` (queued: new mail, or mail waiting for a paced relay) or `retry` (deferred after
 * a failed attempt), each from its own partial index (priority, next_attempt_at). Each priority's
 * due deliveries are a range of that index read from its start,
 * so the claim seeks them: walking the whole index in (priority, due time) order instead would
 * read every delivery not yet due before it found out there were no more due ones, in proportion
 * to the backlog (a million deferred deliveries after a relay outage).
 */
export function claimQuery(store: Store, o: ClaimOptions, kind: 'fresh' | 'retry' = 'fresh') {
  const { db } = store;
  type Range = ['=' | '<' | '>', number];
  // Each priority is one seek; the two open ranges hold no deliveries `typePriority` makes, but a
  // delivery queued with another priority is still claimed, after (or before) the others.
  const ranges: Range[] = [
    ['<', PRIORITIES[0]],
    ...PRIORITIES.map((p): Range => ['=', p]),
    ['>', PRIORITIES.at(-1)!],
  ];
  const members = ranges.map(([op, priority], i) => {
    let due = db
      .selectFrom('deliveries')
      .select(['id', 'priority', 'next_attempt_at'])
      .where(kind === 'fresh' ? isQueued : isDeferred)
      .where('priority', op, priority)
      .where('next_attempt_at', '<=', o.now)
      .where('deliveries.org_id', 'not in', disabledOrgs(store))
      .orderBy('priority')
      .orderBy('next_attempt_at')
      .limit(o.limit);
    if (store.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return db.selectFrom(due.as(`p${i}`)).select(['id', 'priority', 'next_attempt_at']);
  });
  const [first, ...rest] = members;
  const union = rest.reduce((u, m) => u.unionAll(m), first!);
  const due = db
    .selectFrom(union.as('due'))
    .select('due.id')
    .orderBy('due.priority')
    .orderBy('due.next_attempt_at')
    .limit(o.limit);
  return db
    .updateTable('deliveries')
    .set({ status: 'sending', lease_owner: o.owner, lease_until: o.now + o.leaseMs, updated_at: o.now })
    .where('id', 'in', due)
    .returningAll();
}

const isQueued = sql<boolean>`${sql.ref('status')} = 'queued'`;
const isDeferred = sql<boolean>`${sql.ref('status')} = 'deferred'`;

type ClaimValues = { owner: string; limit: number; now: number; leaseUntil: number };
type CompiledClaim = (v: ClaimValues) => ReturnType<ReturnType<typeof claimQuery>['compile']>;
const compiledClaims = new WeakMap<Store, Record<'fresh' | 'retry', CompiledClaim>>();

/** `claimQuery` compiled once per store and kind (compiling it cost more CPU than running it). */
function runClaim(store: Store, o: ClaimOptions, kind: 'fresh' | 'retry') {
  let c = compiledClaims.get(store);
  if (!c) {
    const of = (k: 'fresh' | 'retry') =>
      reusable(
        (v: ClaimValues) =>
          claimQuery(
            store,
            { owner: v.owner, limit: v.limit, now: v.now, leaseMs: v.leaseUntil - v.now },
            k,
          ).compile(),
        { owner: '', limit: 0, now: 0, leaseUntil: 0 },
      );
    c = { fresh: of('fresh'), retry: of('retry') };
    compiledClaims.set(store, c);
  }
  const q = c[kind]({ owner: o.owner, limit: o.limit, now: o.now, leaseUntil: o.now + o.leaseMs });
  return store.db.executeQuery(q).then((r) => r.rows);
}

/**
 * A batch of due deliveries. Retries take at most half of it while fresh mail waits, so a
 * destination that keeps failing (its deliveries deferred, due again and again) never starves fresh
 * mail to others (issue 21), and fresh mail never starves retries either: each side fills what the
 * other leaves.
 */
export async function claimDue(store: Store, o: ClaimOptions): Promise<DeliveriesTable[]> {
  const share = Math.max(1, Math.floor(o.limit / 2));
  const retries = await runClaim(store, { ...o, limit: Math.min(share, o.limit) }, 'retry');
  const freshLimit = o.limit - retries.length;
  const fresh = freshLimit > 0 ? await runClaim(store, { ...o, limit: freshLimit }, 'fresh') : [];
  const left = o.limit - retries.length - fresh.length;
  const more =
    left > 0 && retries.length === share ? await runClaim(store, { ...o, limit: left }, 'retry') : [];
  const claimed = [...retries, ...fresh, ...more];
  return claimed.sort((a, b) => a.priority - b.priority || a.next_attempt_at - b.next_attempt_at);
}

/** Puts deliveries whose lease ran out (their worker died) back in the queue; returns how many. */
export async function reclaimExpiredLeases(store: Store, now: number): Promise<number> {
  const res = await reclaimQuery(store, now).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export function reclaimQuery(store: Store, now: number) {
  return store.db
    .updateTable('deliveries')
    .set({ status: 'queued', lease_owner: null, lease_until: null, updated_at: now })
    .where(isSending)
    .where('lease_until', '<', now);
}

const compiledNextDue = new WeakMap<Store, CompiledQuery<{ next_attempt_at: number }>>();

/** When the next delivery falls due, so an idle worker can sleep until then. */
export async function nextDueAt(store: Store): Promise<number | undefined> {
  // Compiled once per store: it has no values of its own, and a busy worker asks often.
  let q = compiledNextDue.get(store);
  if (!q) {
    q = nextDueQuery(store).compile();
    compiledNextDue.set(store, q);
  }
  const row = (await store.db.executeQuery(q)).rows[0];
  return row ? Number(row.next_attempt_at) : undefined;
}

export function nextDueQuery(store: Store) {
  return store.db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where(isWaiting)
    .where('deliveries.org_id', 'not in', disabledOrgs(store))
    .orderBy('next_attempt_at')
    .limit(1);
}
