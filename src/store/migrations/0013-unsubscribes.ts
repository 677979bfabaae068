/**
 * The bulk-sender rules (issue 17): suppressions get a scope, `all` (hard bounces, complaints,
 * manual entries: nothing is sent) or `mass` (unsubscribes: only mass email skips the address);
 * every row there before is `all`. `mass_pauses` holds the orgs whose mass email the complaint-rate
 * guard paused, until an admin resumes it, and deliveries get an index by org and sending time for
 * the guard's count of the day's delivered mass email.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('suppressions')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('all'))
    .execute();
  await db.schema
    .createTable('mass_pauses')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('complaints', 'integer', (c) => c.notNull())
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('paused_at', 'bigint', (c) => c.notNull())
    .execute();
  // The guard counts an org's mass email delivered in its day.
  await db.schema
    .createIndex('deliveries_org_sent')
    .on('deliveries')
    .columns(['org_id', 'sent_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_org_sent').execute();
  await db.schema.dropTable('mass_pauses').execute();
  await db.schema.alterTable('suppressions').dropColumn('scope').execute();
}
