/**
 * Issue 22: fewer index entries per queued delivery, so that a mass email of a million recipients
 * writes less. `deliveries_waiting` (priority, next_attempt_at of queued and deferred deliveries)
 * goes: claims read `deliveries_fresh_due` and `deliveries_retry_due` (0022), the next due time and
 * the queue counts `deliveries_waiting_due`, and no query needs it any more. `deliveries_org_sent`
 * holds only sent deliveries: every query on it bounds `sent_at` (the day's sent mail), which
 * implies `sent_at is not null`, and a delivery is written unsent, so queuing one no longer adds
 * an entry to it.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_waiting').execute();
  await db.schema.dropIndex('deliveries_org_sent').execute();
  await db.schema
    .createIndex('deliveries_org_sent')
    .on('deliveries')
    .columns(['org_id', 'sent_at'])
    .where(sql.ref('sent_at'), 'is not', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_org_sent').execute();
  await db.schema
    .createIndex('deliveries_org_sent')
    .on('deliveries')
    .columns(['org_id', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('deliveries_waiting')
    .on('deliveries')
    .columns(['priority', 'next_attempt_at'])
    .where(sql.ref('status'), 'in', sql`('queued', 'deferred')`)
    .execute();
}
