/**
 * What the dashboard counts of an org's day (issue 20): deliveries sent through platform delivery
 * with their route reasons, deliveries handed over, bounces, and the newest notifications. Times
 * are epoch ms, `from` inclusive and `until` exclusive; mailroute's own notices are left out.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, NotificationsTable } from '../schema.js';

/** The route reasons (JSON, or null before they were kept) of each delivery the platform sent. */
export async function platformSentReasons(
  db: Kysely<Database>,
  orgId: string,
  from: number,
  until: number,
): Promise<(string | null)[]> {
  const rows = await platformSentQuery(db, orgId, from, until).execute();
  return rows.map((r) => r.route_reasons);
}

/** `platformSentReasons`' query (exported so its plan can be checked: it reads `deliveries_org_sent`). */
export function platformSentQuery(db: Kysely<Database>, orgId: string, from: number, until: number) {
  return db
    .selectFrom('deliveries')
    .select('route_reasons')
    .where('org_id', '=', orgId)
    .where('sent_at', '>=', from)
    .where('sent_at', '<', until)
    .where('route', '=', 'platform')
    .where('type', '!=', 'system');
}

export interface BounceCounts {
  sent: number;
  bounced: number;
  hard: number;
  soft: number;
  /** Bounced deliveries that were refused while sending, so never counted as sent. */
  refusedUnsent: number;
}

export async function bounceCounts(
  db: Kysely<Database>,
  orgId: string,
  from: number,
  until: number,
): Promise<BounceCounts> {
  const [sent, bounced] = await Promise.all([
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('org_id', '=', orgId)
      .where('sent_at', '>=', from)
      .where('sent_at', '<', until)
      .where('type', '!=', 'system')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('bounces as b')
      .innerJoin('deliveries as d', 'd.id', 'b.delivery_id')
      .select([
        sql<number | string>`count(distinct b.delivery_id)`.as('bounced'),
        sql<number | string>`count(distinct case when b.class = 'hard' then b.delivery_id end)`.as('hard'),
        sql<number | string>`count(distinct case when b.class = 'soft' then b.delivery_id end)`.as('soft'),
        sql<number | string>`count(distinct case when d.sent_at is null then b.delivery_id end)`.as('unsent'),
      ])
      .where('b.org_id', '=', orgId)
      .where('b.class', 'in', ['hard', 'soft'])
      .where('b.created_at', '>=', from)
      .where('b.created_at', '<', until)
      .where('d.type', '!=', 'system')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    sent: Number(sent.n),
    bounced: Number(bounced.bounced),
    hard: Number(bounced.hard),
    soft: Number(bounced.soft),
    refusedUnsent: Number(bounced.unsent),
  };
}

export function latestNotifications(
  db: Kysely<Database>,
  orgId: string,
  limit: number,
): Promise<NotificationsTable[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
