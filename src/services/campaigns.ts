/**
 * A mass email as a campaign (issue 20): its counts in one grouped query over the message's own
 * deliveries (the `deliveries_message_created` index: the work grows with the message, never with
 * the queue), and its recipients paged by (created, id) in that index's order, searchable by
 * address or merged subject.
 */
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../context.js';
import { type DeliveryGroup, fallbackCause, routeKindOf, tally } from '../domain/campaign-progress.js';
import type { DeliveryStatus } from '../domain/delivery-statuses.js';
import { notFound } from '../domain/errors.js';
import type { MessageProgress, RecipientsQuery } from '../schemas/campaigns.js';
import { iso } from '../schemas/common.js';
import { routeReasonsView } from '../schemas/route-reasons.js';
import type { Database } from '../store/schema.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { lastReplyRules } from './last-reply-rules.js';
import { containsAnyCase, routeNames } from './message-log.js';

/** Stored reasons that say the platform took it because none of the org's relays could. */
const fellBackPattern = `%"because":"${fallbackCause}"%`;

async function messageOf(ctx: AppContext, orgId: string, id: string) {
  const m = await ctx.store.db
    .selectFrom('messages')
    .select(['id', 'type', 'from_address', 'subject', 'size', 'submitted_by', 'created_at'])
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!m) throw notFound('message');
  return m;
}

/** A message's deliveries grouped by status, route and whether the platform was a fallback. */
export function progressQuery(messageId: string) {
  return sql<{ status: DeliveryStatus; route: string | null; fell_back: number; n: number | string }>`
    select status, route,
      case when route = 'platform' and route_reasons like ${fellBackPattern} then 1 else 0 end as fell_back,
      count(*) as n
    from deliveries
    where message_id = ${messageId}
    group by status, route, fell_back`;
}

export async function messageProgress(ctx: AppContext, orgId: string, id: string): Promise<MessageProgress> {
  const m = await messageOf(ctx, orgId, id);
  const { rows } = await progressQuery(m.id).execute(ctx.store.db);
  const groups: DeliveryGroup[] = rows.map((r) => ({
    status: r.status,
    route: r.route,
    fellBack: Number(r.fell_back) === 1,
    count: Number(r.n),
  }));
  const counts = tally(groups);
  const names = await routeNames(ctx, orgId);
  return {
    id: m.id,
    type: m.type,
    from: m.from_address,
    subject: m.subject,
    size: m.size,
    submittedBy: m.submitted_by,
    createdAt: iso(m.created_at)!,
    total: counts.total,
    done: counts.done,
    statuses: counts.statuses,
    routes: counts.routes,
    relays: [...counts.relays]
      .map(([relay, count]) => ({ id: relay, name: names.get(relay) ?? null, count }))
      .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)),
  };
}

/** One page of a message's recipients, after `after`, in the order of `deliveries_message_created`. */
export function recipientsQuery(
  db: Kysely<Database>,
  m: { id: string; subject: string },
  q: RecipientsQuery,
  after: { at: number; id: string } | undefined,
) {
  let query = db
    .selectFrom('deliveries as d')
    .select([
      'd.id',
      'd.recipient',
      'd.subject',
      'd.status',
      'd.route',
      'd.route_reasons',
      'd.attempts',
      'd.last_status',
      'd.last_reply',
      'd.next_attempt_at',
      'd.sent_at',
      'd.created_at',
      'd.updated_at',
    ])
    .where('d.message_id', '=', m.id);
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.q) {
    const part = q.q;
    query = query.where((eb) =>
      eb.or([
        containsAnyCase(sql`d.recipient`, part),
        containsAnyCase(sql`coalesce(d.subject, ${m.subject})`, part),
      ]),
    );
  }
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('d.created_at', '>', after.at),
        eb.and([eb('d.created_at', '=', after.at), eb('d.id', '>', after.id)]),
      ]),
    );
  return query.orderBy('d.created_at').orderBy('d.id').limit(q.limit);
}

export async function listRecipients(ctx: AppContext, orgId: string, id: string, q: RecipientsQuery) {
  const after = decodeCursor('recipients', q.cursor);
  const m = await messageOf(ctx, orgId, id);
  const { db } = ctx.store;
  const rows = await recipientsQuery(db, m, q, after).execute();
  const ids = rows.map((r) => r.id);
  const archived = ids.length
    ? new Set(
        (await db.selectFrom('archives').select('delivery_id').where('delivery_id', 'in', ids).execute()).map(
          (a) => a.delivery_id,
        ),
      )
    : new Set<string>();
  const names = await routeNames(ctx, orgId);
  const rules = await lastReplyRules(db, rows);
  const last = rows.at(-1);
  return {
    items: rows.map((d) => ({
      id: d.id,
      recipient: d.recipient,
      subject: d.subject ?? m.subject,
      status: d.status,
      route: d.route,
      routeName: d.route ? (names.get(d.route) ?? null) : null,
      routeKind: routeKindOf(d.route, d.route_reasons?.includes(`"because":"${fallbackCause}"`) ?? false),
      attempts: d.attempts,
      lastStatus: d.last_status,
      lastReply: d.last_reply,
      lastReplyRule: rules.get(d.id) ?? null,
      nextAttemptAt: d.status === 'deferred' || d.status === 'queued' ? iso(d.next_attempt_at) : null,
      sentAt: iso(d.sent_at),
      updatedAt: iso(d.updated_at)!,
      archived: archived.has(d.id),
      routeReasons: routeReasonsView(d.route_reasons, names),
    })),
    nextCursor:
      rows.length === q.limit && last
        ? encodeCursor('recipients', { at: last.created_at, id: last.id })
        : null,
  };
}
