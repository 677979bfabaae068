/**
 * The sign-in throttle, shared by every process on the database: failure counters by account
 * (email) and by client address, each with the time it may try again, and the addresses each
 * account signed in from (which an attacker's failures on the account do not hold back).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signin_failures')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('signin_failures_pk', ['scope', 'key'])
    .execute();
  await db.schema
    .createIndex('signin_failures_age')
    .on('signin_failures')
    .column('last_failure_at')
    .execute();
  await db.schema
    .createTable('signin_addresses')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('signed_in_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('signin_addresses_pk', ['account', 'address'])
    .execute();
  await db.schema.createIndex('signin_addresses_age').on('signin_addresses').column('signed_in_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signin_addresses').execute();
  await db.schema.dropTable('signin_failures').execute();
}
