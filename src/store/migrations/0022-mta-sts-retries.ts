/**
 * Issue 21, parts 3 and 4. MTA-STS policies of recipient domains, cached until their `max_age`
 * runs out and shared by every worker process (`store/repos/mta-sts-policies.ts`); the TLS of each
 * attempt (version, and whether the certificate was verified); and a claim that serves retries and
 * fresh mail side by side (`queue/claim.ts`), each from a partial index of its own.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mta_sts_policies')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('mx', 'text', (c) => c.notNull())
    .addColumn('max_age', 'bigint', (c) => c.notNull())
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('attempts').addColumn('tls_version', 'text').execute();
  await db.schema.alterTable('attempts').addColumn('tls_verified', 'integer').execute();
  await db.schema
    .createIndex('deliveries_fresh_due')
    .on('deliveries')
    .columns(['priority', 'next_attempt_at'])
    .where(sql.ref('status'), '=', sql.lit('queued'))
    .execute();
  await db.schema
    .createIndex('deliveries_retry_due')
    .on('deliveries')
    .columns(['priority', 'next_attempt_at'])
    .where(sql.ref('status'), '=', sql.lit('deferred'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_retry_due').execute();
  await db.schema.dropIndex('deliveries_fresh_due').execute();
  await db.schema.alterTable('attempts').dropColumn('tls_verified').execute();
  await db.schema.alterTable('attempts').dropColumn('tls_version').execute();
  await db.schema.dropTable('mta_sts_policies').execute();
}
