/**
 * Bounce reasons (issue 16): every bounce row says why it bounced (`domain/bounce-reasons.ts`), and
 * a suppression that a bounce caused keeps that bounce's reason. Rows written before reasons were
 * known get one from their class where the class alone says it (complaint → feedback, auto-reply →
 * vacation, delivered → delivered) and `undefined` otherwise; suppressions made before stay without.
 * Plain `add column` with a default works alike on SQLite and PostgreSQL.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type Db = Kysely<any>;

export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('bounces')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo('undefined'))
    .execute();
  await sql`update bounces set reason = case class
      when 'complaint' then 'feedback'
      when 'auto-reply' then 'vacation'
      when 'delivered' then 'delivered'
      else 'undefined' end`.execute(db);
  await db.schema
    .createIndex('bounces_org_reason')
    .on('bounces')
    .columns(['org_id', 'reason', 'id'])
    .execute();
  await db.schema.alterTable('suppressions').addColumn('bounce_reason', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('suppressions').dropColumn('bounce_reason').execute();
  await db.schema.dropIndex('bounces_org_reason').execute();
  await db.schema.alterTable('bounces').dropColumn('reason').execute();
}
