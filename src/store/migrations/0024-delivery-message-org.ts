/**
 * Issue 22, PostgreSQL: one foreign key check per queued delivery instead of two. A delivery
 * referenced its message and its org separately; it now references the pair (message, org), which
 * says both at once (the message's own key to its org says the org exists) and more: a delivery
 * belongs to the org of its message. For a mass email of a million recipients that is a million
 * index lookups fewer in the accepting transaction.
 *
 * SQLite is left as it is: changing a foreign key there means rebuilding the deliveries table, the
 * largest one, and its intake of a million recipients meets its goal without this.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type Db = Kysely<any>;

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

/** The names of the deliveries table's single-column foreign keys on `column`. */
async function foreignKeysOn(db: Db, column: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.conname as name from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
     where c.conrelid = 'deliveries'::regclass and c.contype = 'f'
       and cardinality(c.conkey) = 1 and a.attname = ${column}`.execute(db);
  return rows.map((r) => r.name);
}

export async function up(db: Db): Promise<void> {
  if (isSqlite(db)) return;
  await sql`alter table messages add constraint messages_id_org unique (id, org_id)`.execute(db);
  // Checked against the rows already there too: fails, as it should, on a delivery of another org
  // than its message's.
  await sql`alter table deliveries add constraint deliveries_message_org_fkey
    foreign key (message_id, org_id) references messages (id, org_id)`.execute(db);
  for (const column of ['message_id', 'org_id'])
    for (const name of await foreignKeysOn(db, column))
      await sql`alter table deliveries drop constraint ${sql.id(name)}`.execute(db);
}

export async function down(db: Db): Promise<void> {
  if (isSqlite(db)) return;
  await sql`alter table deliveries add constraint deliveries_org_id_fkey
    foreign key (org_id) references orgs (id)`.execute(db);
  await sql`alter table deliveries add constraint deliveries_message_id_fkey
    foreign key (message_id) references messages (id)`.execute(db);
  await sql`alter table deliveries drop constraint deliveries_message_org_fkey`.execute(db);
  await sql`alter table messages drop constraint messages_id_org`.execute(db);
}
