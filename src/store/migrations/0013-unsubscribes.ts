/**
 * The bulk-sender rules (issue 17): suppressions get a scope, `all` (hard bounces, complaints,
 * manual entries: nothing is sent) or `mass` (unsubscribes: only mass email skips the address);
 * every row there before is `all`. `mass_pauses` holds the orgs whose mass email the complaint-rate
 * guard paused, until an admin resumes it.
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
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mass_pauses').execute();
  await db.schema.alterTable('suppressions').dropColumn('scope').execute();
}
