/**
 * What the database says at one moment, for the metrics: every worker process writes its work
 * there, so reading it at scrape time counts each delivery once, whichever process sent it. One
 * snapshot is a handful of grouped queries; each names the index it relies on, or why it scans.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { LATENCY_BUCKETS_SECONDS } from './labels.js';

export interface DatabaseSnapshot {
  /** Deliveries by current status, email type and route (a relay id, `platform` or null). */
  deliveries: { status: string; type: string; route: string | null; count: number }[];
  /** SMTP attempts by relay (null: platform delivery) and latency bucket (`bucketOf`). */
  attempts: { relayId: string | null; bucket: number; count: number; sumMs: number }[];
  /** Waiting and leased deliveries by status (`queued`, `deferred`, `sending`). */
  queue: { status: string; count: number }[];
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
  // A scan of deliveries, grouped: its cost grows with the table (measured in the README).
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['status', 'type', 'route', (eb) => eb.fn.countAll().as('n')])
    .groupBy(['status', 'type', 'route'])
    .execute();
  // A scan of attempts; attempts without a host never reached SMTP (the message could not be composed).
  const bucket = bucketExpression();
  const attempts = await db
    .selectFrom('attempts')
    .select([
      'relay_id',
      bucket.as('bucket'),
      (eb) => eb.fn.countAll().as('n'),
      (eb) => eb.fn.sum<number>('duration_ms').as('ms'),
    ])
    .where('host', 'is not', null)
    .groupBy(['relay_id', bucket])
    .execute();
  // The partial indexes `deliveries_waiting_due` and `deliveries_leased` hold only these rows.
  const waiting = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .where('status', 'in', ['queued', 'deferred'])
    .groupBy('status')
    .execute();
  const sending = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'sending')
    .executeTakeFirst();
  const oldest = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', 'in', ['queued', 'deferred'])
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
      ...waiting.map((r) => ({ status: r.status, count: num(r.n) })),
      { status: 'sending', count: num(sending?.n) },
    ],
    oldestDueAt: oldestAt === null || oldestAt === undefined ? undefined : num(oldestAt),
    bounces: bounces.map((r) => ({ class: r.class, count: num(r.n) })),
    relaysSuspended: num(suspended?.n),
    relaySuspensions: num(suspensions?.n),
    webhookDeliveries: webhooks.map((r) => ({ status: r.status, count: num(r.n) })),
  };
}
