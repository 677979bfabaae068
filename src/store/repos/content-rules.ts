/** An org's content rules, in the order they apply (R25). */
import type { Kysely } from 'kysely';
import type { ContentRulesTable, Database } from '../schema.js';

export async function orgContentRules(db: Kysely<Database>, orgId: string): Promise<ContentRulesTable[]> {
  return db
    .selectFrom('content_rules')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('sort_order')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
