/** Attempts by relay and time, for a relay's health over the last 24 hours and 7 days (issue 19). */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('attempts_relay_at').on('attempts').columns(['relay_id', 'at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attempts_relay_at').execute();
}
