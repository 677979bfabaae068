/** Bounces recorded per delivery (listener, API, provider webhooks) and the org's suppression list. */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bounces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('diagnostic_code', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('feedback_type', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('bounces_delivery')
    .on('bounces')
    .columns(['delivery_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('bounces_org_recipient')
    .on('bounces')
    .columns(['org_id', 'recipient', 'created_at'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['org_id', 'address'])
    .execute();
  await db.schema
    .createIndex('suppressions_org_created')
    .on('suppressions')
    .columns(['org_id', 'created_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('suppressions').execute();
  await db.schema.dropTable('bounces').execute();
}
