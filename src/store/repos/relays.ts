/** Reading relays: one of an org's relays that has not been deleted, or a 404; a row's bounce handling. */
import type { Kysely } from 'kysely';
import type { BounceHandling } from '../../domain/bounce-handling.js';
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

/** The bounce handling a relay row stores (R17). */
export function bounceHandlingOf(r: RelaysTable): BounceHandling {
  if (r.bounce_mode === 'address') return { mode: 'address', address: r.bounce_address ?? '' };
  if (r.bounce_mode === 'from') return { mode: 'from' };
  return { mode: 'platform', fixedReturnPath: r.bounce_fixed_return_path === 1 };
}
