/**
 * Bounce mailboxes (SPEC R17 `address`, R19): per relay whose bounces go to a fixed address, the IMAP
 * mailbox of that address, its sealed password, what to do with a processed message, the status of
 * the last poll, and a lease so that one process at a time polls it.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bounce_mailboxes')
    .addColumn('relay_id', 'text', (c) => c.primaryKey().references('relays.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('security', 'text', (c) => c.notNull())
    .addColumn('verify_certificate', 'integer', (c) => c.notNull())
    .addColumn('auth_type', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('password_enc', 'text')
    .addColumn('mailbox', 'text', (c) => c.notNull())
    .addColumn('after_action', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('move_to', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_poll_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('processed_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('recorded_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('unmatched_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('not_bounce_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bounce_mailboxes_due')
    .on('bounce_mailboxes')
    .columns(['enabled', 'last_poll_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bounce_mailboxes').execute();
}
