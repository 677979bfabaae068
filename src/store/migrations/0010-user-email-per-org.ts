/**
 * A user's email is unique within an org, not across orgs: one org must not learn another's users
 * from a 409, and one person may be a user of several orgs (sign-in then asks which). Replaces the
 * unique email with a unique (org_id, email) and keeps an index on email for sign-in. SQLite cannot
 * drop a column's UNIQUE, so there the table is rebuilt (SQLite's documented procedure, with foreign
 * keys off so that sessions survive); existing rows are kept as they are.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type Db = Kysely<any>;

async function rebuildSqlite(db: Db): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`create table users_new (
      id text primary key,
      org_id text not null references orgs (id),
      email text not null,
      name text not null,
      role text not null,
      password_hash text not null,
      created_at bigint not null,
      updated_at bigint not null)`.execute(db);
    await sql`insert into users_new (id, org_id, email, name, role, password_hash, created_at, updated_at)
      select id, org_id, email, name, role, password_hash, created_at, updated_at from users`.execute(db);
    await sql`drop table users`.execute(db);
    await sql`alter table users_new rename to users`.execute(db);
    await db.schema.createIndex('users_org').on('users').column('org_id').execute();
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0)
      throw new Error(`foreign keys broken by the users rebuild: ${JSON.stringify(broken.rows)}`);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function dropUniqueEmailPostgres(db: Db): Promise<void> {
  const { rows } = await sql<{ conname: string }>`
    select conname from pg_constraint where conrelid = 'users'::regclass and contype = 'u'`.execute(db);
  for (const r of rows) await sql`alter table users drop constraint ${sql.id(r.conname)}`.execute(db);
}

export async function up(db: Db): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await rebuildSqlite(db);
  else await dropUniqueEmailPostgres(db);
  await db.schema.createIndex('users_org_email').on('users').columns(['org_id', 'email']).unique().execute();
  await db.schema.createIndex('users_email').on('users').column('email').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('users_email').execute();
  await db.schema.dropIndex('users_org_email').execute();
  // Back to one email across orgs: fails, as it should, when an email is in several orgs.
  await db.schema.createIndex('users_email_unique').on('users').column('email').unique().execute();
}
