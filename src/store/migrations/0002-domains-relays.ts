/** Sending domains with their DKIM keys, relays, OAuth sign-in states and daily usage counters. */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('verification_token', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'bigint')
    .addColumn('last_checked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('domains_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('dkim_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('cascade'))
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema.createIndex('dkim_keys_domain').on('dkim_keys').columns(['domain_id', 'status']).execute();

  await db.schema
    .createTable('relays')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('security', 'text', (c) => c.notNull())
    .addColumn('verify_certificate', 'integer', (c) => c.notNull())
    .addColumn('ca_certificate', 'text')
    .addColumn('daily_limit', 'integer', (c) => c.notNull())
    .addColumn('email_types', 'text', (c) => c.notNull())
    .addColumn('dkim_signing', 'integer', (c) => c.notNull())
    .addColumn('bounce_mode', 'text', (c) => c.notNull())
    .addColumn('bounce_fixed_return_path', 'integer', (c) => c.notNull())
    .addColumn('bounce_address', 'text')
    .addColumn('auth_type', 'text', (c) => c.notNull())
    .addColumn('auth_service', 'text')
    .addColumn('auth_username', 'text')
    .addColumn('auth_password_enc', 'text')
    .addColumn('oauth_user', 'text')
    .addColumn('oauth_refresh_token_enc', 'text')
    .addColumn('oauth_access_token_enc', 'text')
    .addColumn('oauth_access_expires_at', 'bigint')
    .addColumn('oauth_status', 'text')
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('max_connections', 'integer', (c) => c.notNull())
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('suspended_until', 'bigint')
    .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_day', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('relays_org_domain').on('relays').columns(['org_id', 'domain_id']).execute();

  await db.schema
    .createTable('oauth_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('relay_id', 'text', (c) => c.notNull().references('relays.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('code_verifier_enc', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('usage_counters')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_counters_pk', ['org_id', 'day', 'scope'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['usage_counters', 'oauth_states', 'relays', 'dkim_keys', 'domains']) {
    await db.schema.dropTable(t).execute();
  }
}
