/**
 * An org can be disabled by the operator (`mailroute org disable`): `disabled_at` is when, null
 * while it is enabled. Its keys and sessions are refused and its queue is held (claims skip it)
 * until it is enabled again. The partial index holds only the disabled orgs, so the claim's
 * "not one of the disabled orgs" reads a list that is usually empty.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').addColumn('disabled_at', 'bigint').execute();
  await db.schema
    .createIndex('orgs_disabled')
    .on('orgs')
    .column('id')
    .where(sql.ref('disabled_at'), 'is not', null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orgs_disabled').execute();
  await db.schema.alterTable('orgs').dropColumn('disabled_at').execute();
}
