/**
 * The kind of return path each delivery was sent with (`verp`, `catchall`, `from`, `address`), so
 * that a bounce matched by the returned headers is taken only for mail whose return path really was
 * the address it arrived at (SPEC R17, R18). Mail sent before this migration gets the kind its route
 * has now: platform delivery always used VERP, and a relay's bounce handling is read as it stands.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('return_path_kind', 'text').execute();
  await sql`
    update deliveries set return_path_kind = 'verp'
    where sent_at is not null and route = 'platform'`.execute(db);
  await sql`
    update deliveries set return_path_kind = (
      select case
        when r.bounce_mode = 'from' then 'from'
        when r.bounce_mode = 'address' then 'address'
        when r.bounce_fixed_return_path = 1 then 'catchall'
        else 'verp'
      end
      from relays r where r.id = deliveries.relay_id)
    where sent_at is not null and relay_id is not null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('return_path_kind').execute();
}
