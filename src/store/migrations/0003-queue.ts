/** Messages and their deliveries (the queue), attempts, the archive, notifications and events. */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('from_domain', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text')
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('recipient_count', 'integer', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messages_org_created')
    .on('messages')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('recipient_domain', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('route', 'text')
    .addColumn('relay_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('personalization', 'text')
    .addColumn('relays_tried', 'text')
    .addColumn('slowdowns', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'text')
    .addColumn('last_reply', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  // Claims walk the waiting deliveries in priority order and stop after a batch: partial indexes
  // hold only the waiting ones, so neither the claim nor "when is the next one due" scans history.
  await db.schema
    .createIndex('deliveries_waiting')
    .on('deliveries')
    .columns(['priority', 'next_attempt_at'])
    .where(sql.ref('status'), 'in', sql`('queued', 'deferred')`)
    .execute();
  await db.schema
    .createIndex('deliveries_waiting_due')
    .on('deliveries')
    .column('next_attempt_at')
    .where(sql.ref('status'), 'in', sql`('queued', 'deferred')`)
    .execute();
  await db.schema
    .createIndex('deliveries_leased')
    .on('deliveries')
    .column('lease_until')
    .where(sql.ref('status'), '=', sql.lit('sending'))
    .execute();
  await db.schema.createIndex('deliveries_message').on('deliveries').column('message_id').execute();
  await db.schema
    .createIndex('deliveries_org_created')
    .on('deliveries')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('relay_id', 'text')
    .addColumn('host', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('reply', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attempts_delivery').on('attempts').columns(['delivery_id', 'at']).execute();

  await db.schema
    .createTable('archives')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('raw_gzip_b64', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('archives_org_created')
    .on('archives')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('notifications_org')
    .on('notifications')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('platform_keys')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_org').on('events').columns(['org_id', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'events',
    'platform_keys',
    'notifications',
    'archives',
    'attempts',
    'deliveries',
    'messages',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
