/**
 * Why each delivery took its route (issue 19): the routing decision, as codes plus parameters
 * (`domain/route-reasons.ts`), written with each state change by `queue/transitions.ts`. Mail routed
 * before this migration has none.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('route_reasons', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('route_reasons').execute();
}
