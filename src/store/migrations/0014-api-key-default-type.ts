/**
 * The email type of mail an API key submits over SMTP without an `X-Mailroute-Type` header.
 * Existing keys get `individual`, the default of new ones.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('default_type', 'text', (c) => c.notNull().defaultTo('individual'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('default_type').execute();
}
