/**
 * The one list of migrations, for SQLite and PostgreSQL alike. Append; never edit a shipped one.
 */
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-domains-relays.js';
import * as m0003 from './0003-queue.js';
import * as m0004 from './0004-bounces.js';
import * as m0005 from './0005-content-rules.js';
import * as m0006 from './0006-webhooks.js';
import * as m0007 from './0007-bounce-mailboxes.js';
import * as m0008 from './0008-delivery-return-path.js';
import * as m0009 from './0009-signin-throttle.js';
import * as m0010 from './0010-user-email-per-org.js';
import * as m0011 from './0011-bounce-reasons.js';
import * as m0012 from './0012-org-disabled.js';
import * as m0013 from './0013-unsubscribes.js';
import * as m0014 from './0014-api-key-default-type.js';
import * as m0015 from './0015-route-reasons.js';
import * as m0017 from './0017-attempts-by-relay.js';
import * as m0018 from './0018-delivery-subjects.js';
import * as m0021 from './0021-shared-limits.js';
import * as m0022 from './0022-mta-sts-retries.js';
import * as m0023 from './0023-intake-indexes.js';
import * as m0024 from './0024-delivery-message-org.js';

const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-domains-relays': m0002,
  '0003-queue': m0003,
  '0004-bounces': m0004,
  '0005-content-rules': m0005,
  '0006-webhooks': m0006,
  '0007-bounce-mailboxes': m0007,
  '0008-delivery-return-path': m0008,
  '0009-signin-throttle': m0009,
  '0010-user-email-per-org': m0010,
  '0011-bounce-reasons': m0011,
  '0012-org-disabled': m0012,
  '0013-unsubscribes': m0013,
  '0014-api-key-default-type': m0014,
  '0015-route-reasons': m0015,
  '0017-attempts-by-relay': m0017,
  '0018-delivery-subjects': m0018,
  '0021-shared-limits': m0021,
  '0022-mta-sts-retries': m0022,
  '0023-intake-indexes': m0023,
  '0024-delivery-message-org': m0024,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
async function migrator(db: Kysely<any>): Promise<Migrator> {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'mailroute_migrations',
    migrationLockTableName: 'mailroute_migrations_lock',
    // On PostgreSQL, look for the bookkeeping tables in the schema mailroute works in: the
    // migrator otherwise finds another schema's tables of the same name and skips creating ours.
    migrationTableSchema: await currentSchema(db),
  });
}

function applied(r: MigrationResultSet): string[] {
  if (r.error) throw r.error instanceof Error ? r.error : new Error(String(r.error));
  return (r.results ?? []).filter((x) => x.status === 'Success').map((x) => x.migrationName);
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await (await migrator(db)).migrateToLatest());
}

/** Brings the schema up to the named migration (tests of a migration on the schema before it). */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  return applied(await (await migrator(db)).migrateTo(name));
}

/** The PostgreSQL schema in use (first on the search path); undefined on SQLite. */
// biome-ignore lint/suspicious/noExplicitAny: works on any schema
async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    return rows[0]?.s ?? undefined;
  } catch {
    return undefined;
  }
}
