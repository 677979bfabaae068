/**
 * What the database says at one moment, for the metrics: every worker process writes its work
 * there, so reading it at scrape time counts each delivery once, whichever process sent it. One
 * snapshot is a handful of grouped queries; each names the index it relies on, or what bounds it.
 * Deliveries and attempts grow without end, so they are read for a recent window only.
 */
import { type Kysely, sql } from 'kysely';
import { isSending, isWaiting } from '../queue/claim.js';
import type { Database } from '../store/schema.js';
import { LATENCY_BUCKETS_SECONDS } from './labels.js';

/** The window of the delivery and attempt metrics: mail created in the last hour. */
export const RECENT_WINDOW_MS = 3_600_000;

export interface DatabaseSnapshot {
  /**
   * Deliveries created in the window, by current status, email type and route (a relay id,
   * `platform` or null).
   */
  deliveries: { status: string; type: string; route: string | null; count: number }[];
  /** The SMTP attempts of those deliveries by relay (null: platform) and latency bucket (`bucketOf`). */
  attempts: { relayId: string | null; bucket: number; count: number; sumMs: number }[];
  /**
   * The queue: waiting deliveries that are due (`due`), waiting ones whose time has not come
   * (`scheduled`: retries, paced mail), and those a worker holds (`sending`).
   */
  queue: { state: 'due' | 'scheduled' | 'sending'; count: number }[];
  /** Epoch ms of the oldest due waiting delivery, if any is due. */
  oldestDueAt: number | undefined;
  bounces: { class: string; count: number }[];
  relaysSuspended: number;
  relaySuspensions: number;
  webhookDeliveries: { status: string; count: number }[];
}

const num = (v: unknown): number => Number(v ?? 0);

/** `case when duration_ms <= 50 then 0 … else <n> end`: the bucket, computed in the database. */
function bucketExpression() {
  const arms = LATENCY_BUCKETS_SECONDS.map(
    (b, i) => `when duration_ms <= ${Math.round(b * 1000)} then ${i}`,
  ).join(' ');
  return sql<number>`case ${sql.raw(arms)} else ${sql.lit(LATENCY_BUCKETS_SECONDS.length)} end`;
}

export async function readSnapshot(db: Kysely<Database>, now: number): Promise<DatabaseSnapshot> {
  // Deliveries of the window, through `deliveries_org_created` (org_id, created_at): the cost grows
  // with the mail of one window, not with the history.
  const since = now - RECENT_WINDOW_MS;
  const orgs = db.selectFrom('orgs').select('id');
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['status', 'type', 'route', (eb) => eb.fn.countAll().as('n')])
    .where('org_id', 'in', orgs)
    .where('created_at', '>=', since)
    .groupBy(['status', 'type', 'route'])
    .execute();
  // Their attempts, through `attempts_delivery`; attempts without a host never reached SMTP (the
  // message could not be composed).
  const bucket = bucketExpression();
  const attempts = await db
    .selectFrom('deliveries as d')
    .innerJoin('attempts as a', 'a.delivery_id', 'd.id')
    .select([
      'a.relay_id',
      bucket.as('bucket'),
      (eb) => eb.fn.countAll().as('n'),
      (eb) => eb.fn.sum<number>('a.duration_ms').as('ms'),
    ])
    .where('d.org_id', 'in', orgs)
    .where('d.created_at', '>=', since)
    .where('a.host', 'is not', null)
    .groupBy(['a.relay_id', bucket])
    .execute();
  // The partial indexes `deliveries_waiting_due` and `deliveries_leased` hold only these rows and
  // answer the counts alone (no row is read), so even a queue of a large mass email stays cheap. Their
  // conditions are written out (`isWaiting`, `isSending`), never bound: only then may SQLite use them.
  const waitingCount = (due: boolean) =>
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(isWaiting)
      .where('next_attempt_at', due ? '<=' : '>', now)
      .executeTakeFirst();
  const due = await waitingCount(true);
  const scheduled = await waitingCount(false);
  const sending = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(isSending)
    .executeTakeFirst();
  const oldest = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where(isWaiting)
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  const bounces = await db
    .selectFrom('bounces')
    .select(['class', (eb) => eb.fn.countAll().as('n')])
    .groupBy('class')
    .execute();
  const suspended = await db
    .selectFrom('relays')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('deleted_at', 'is', null)
    .where('suspended_until', '>', now)
    .executeTakeFirst();
  // One notice per relay and org day (its dedupe key), kept for good; notifications are few.
  const suspensions = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('kind', '=', 'relay.suspended')
    .executeTakeFirst();
  // Webhook history is pruned after 30 days (`webhooks/prune.ts`), which bounds this scan.
  const webhooks = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const oldestAt = oldest?.at;
  return {
    deliveries: deliveries.map((r) => ({ status: r.status, type: r.type, route: r.route, count: num(r.n) })),
    attempts: attempts.map((r) => ({
      relayId: r.relay_id,
      bucket: num(r.bucket),
      count: num(r.n),
      sumMs: num(r.ms),
    })),
    queue: [
      { state: 'due', count: num(due?.n) },
      { state: 'scheduled', count: num(scheduled?.n) },
      { state: 'sending', count: num(sending?.n) },
    ],
    oldestDueAt: oldestAt === null || oldestAt === undefined ? undefined : num(oldestAt),
    bounces: bounces.map((r) => ({ class: r.class, count: num(r.n) })),
    relaysSuspended: num(suspended?.n),
    relaySuspensions: num(suspensions?.n),
    webhookDeliveries: webhooks.map((r) => ({ status: r.status, count: num(r.n) })),
  };
}
