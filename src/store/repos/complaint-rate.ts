/** What the complaint-rate guard counts: an org's mass-email complaints and deliveries in a time range. */
import type { Kysely } from 'kysely';
import type { ComplaintDay } from '../../domain/complaint-rate.js';
import type { Database } from '../schema.js';

export async function complaintDay(
  db: Kysely<Database>,
  orgId: string,
  from: number,
  until: number,
): Promise<ComplaintDay> {
  const [complaints, delivered] = await Promise.all([
    db
      .selectFrom('bounces as b')
      .innerJoin('deliveries as d', 'd.id', 'b.delivery_id')
      .select((eb) => eb.fn.count<number | string>('b.delivery_id').distinct().as('n'))
      .where('b.org_id', '=', orgId)
      .where('b.class', '=', 'complaint')
      .where('d.type', '=', 'mass')
      .where('b.created_at', '>=', from)
      .where('b.created_at', '<', until)
      .executeTakeFirstOrThrow(),
    massDeliveredQuery(db, orgId, from, until).executeTakeFirstOrThrow(),
  ]);
  return { complaints: Number(complaints.n), delivered: Number(delivered.n) };
}

/** How many of an org's mass deliveries were sent in the range (exported so its plan can be checked). */
export function massDeliveredQuery(db: Kysely<Database>, orgId: string, from: number, until: number) {
  return db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('org_id', '=', orgId)
    .where('type', '=', 'mass')
    .where('sent_at', '>=', from)
    .where('sent_at', '<', until);
}
