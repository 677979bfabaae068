/**
 * Limits that hold across every worker process (issue 21): `limit_slots` are the numbered slots of
 * one limit (a relay's or destination's connections: `conn:…`; its messages per minute: `rate:…`),
 * each free once `expires_at` has passed, so a crashed worker's share frees itself; and
 * `destination_states` keeps a destination's pause after a pushback and its halved rate.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('limit_slots')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_slots_pk', ['key', 'slot'])
    .execute();
  await db.schema
    .createTable('destination_states')
    .addColumn('destination', 'text', (c) => c.primaryKey())
    .addColumn('paused_until', 'bigint')
    .addColumn('paused_reply', 'text')
    .addColumn('halvings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('halved_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('destination_states').execute();
  await db.schema.dropTable('limit_slots').execute();
}
