/**
 * Campaigns (issue 20): each delivery's subject after merge fields, written by `enqueue` when it
 * differs from the message's (null: the message's subject, and every row written before), so the log
 * and a mass email's recipient list show and search what each recipient received. The index by
 * message now also orders by creation and id, so a message's deliveries page and count without
 * sorting them.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('subject', 'text').execute();
  await db.schema
    .createIndex('deliveries_message_created')
    .on('deliveries')
    .columns(['message_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('deliveries_message').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('deliveries_message').on('deliveries').column('message_id').execute();
  await db.schema.dropIndex('deliveries_message_created').execute();
  await db.schema.alterTable('deliveries').dropColumn('subject').execute();
}
