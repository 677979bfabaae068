/** Reading relays: one of an org's relays that has not been deleted, or a 404. */
import type { Kysely } from 'kysely';
import { notFound } from '../../domain/errors.js';
import type { Database, RelaysTable } from '../schema.js';

export async function loadRelay(db: Kysely<Database>, orgId: string, id: string): Promise<RelaysTable> {
  const r = await db
    .selectFrom('relays')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!r) throw notFound('relay');
  return r;
}
