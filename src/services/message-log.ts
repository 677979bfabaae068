/**
 * The message log (SPEC R27, §3): one entry per delivery, newest first, filtered by status, type,
 * route, recipient, subject and time, paged by an opaque cursor; the detail of a message with every
 * delivery's attempts, replies and bounces; and the archived MIME as sent.
 */
import { type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../context.js';
import { notFound } from '../domain/errors.js';
import { iso } from '../schemas/common.js';
import type { LogQuery, MessageDetail } from '../schemas/messages.js';
import { routeReasonsView } from '../schemas/route-reasons.js';
import { readArchived } from '../store/archive-codec.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { lastReplyRules } from './last-reply-rules.js';

export async function routeNames(ctx: AppContext, orgId: string): Promise<Map<string, string>> {
  const relays = await ctx.store.db
    .selectFrom('relays')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .execute();
  return new Map([['platform', 'platform'], ...relays.map((r) => [r.id, r.name] as [string, string])]);
}

/** A case-insensitive substring match, the same on SQLite and PostgreSQL (LIKE wildcards escaped). */
export function containsAnyCase(value: RawBuilder<unknown>, part: string) {
  const pattern = `%${part.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${value}) like ${pattern} escape '\\'`;
}

export async function listLog(ctx: AppContext, orgId: string, q: LogQuery) {
  let query = ctx.store.db
    .selectFrom('deliveries as d')
    .innerJoin('messages as m', 'm.id', 'd.message_id')
    .select([
      'd.id',
      'd.message_id',
      'd.type',
      'd.recipient',
      'd.status',
      'd.route',
      'd.attempts',
      'd.last_status',
      'd.last_reply',
      'd.route_reasons',
      'd.created_at',
      'd.updated_at',
      'm.from_address',
      'm.subject',
      'd.subject as merged_subject',
    ])
    .where('d.org_id', '=', orgId);
  if (q.status) query = query.where('d.status', '=', q.status);
  if (q.type) query = query.where('d.type', '=', q.type);
  if (q.route) query = query.where('d.route', '=', q.route);
  if (q.recipient?.startsWith('@'))
    query = query.where('d.recipient_domain', '=', q.recipient.slice(1).toLowerCase());
  else if (q.recipient) query = query.where('d.recipient', '=', q.recipient);
  if (q.messageId) query = query.where('d.message_id', '=', q.messageId);
  if (q.subject) {
    const part = q.subject;
    // The subject as each recipient got it (merged), or as submitted (with its tags).
    query = query.where((eb) =>
      eb.or([containsAnyCase(sql`d.subject`, part), containsAnyCase(sql`m.subject`, part)]),
    );
  }
  if (q.since) query = query.where('d.created_at', '>=', Date.parse(q.since));
  if (q.until) query = query.where('d.created_at', '<', Date.parse(q.until));
  const after = decodeCursor('messages', q.cursor);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('d.created_at', '<', after.at),
        eb.and([eb('d.created_at', '=', after.at), eb('d.id', '<', after.id)]),
      ]),
    );
  const rows = await query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(q.limit).execute();
  const names = await routeNames(ctx, orgId);
  const rules = await lastReplyRules(ctx.store.db, rows);
  const last = rows.at(-1);
  return {
    items: rows.map((r) => ({
      messageId: r.message_id,
      deliveryId: r.id,
      type: r.type,
      from: r.from_address,
      subject: r.merged_subject ?? r.subject,
      recipient: r.recipient,
      status: r.status,
      route: r.route,
      routeName: r.route ? (names.get(r.route) ?? null) : null,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastReply: r.last_reply,
      lastReplyRule: rules.get(r.id) ?? null,
      routeReasons: routeReasonsView(r.route_reasons, names),
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    })),
    nextCursor:
      rows.length === q.limit && last ? encodeCursor('messages', { at: last.created_at, id: last.id }) : null,
  };
}

export async function messageDetail(ctx: AppContext, orgId: string, id: string): Promise<MessageDetail> {
  const { db } = ctx.store;
  const m = await db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!m) throw notFound('message');
  const deliveries = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('message_id', '=', id)
    .orderBy('id')
    .execute();
  const ids = deliveries.map((d) => d.id);
  const attempts = ids.length
    ? await db.selectFrom('attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute()
    : [];
  const bounces = ids.length
    ? await db.selectFrom('bounces').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute()
    : [];
  const archived = ids.length
    ? new Set(
        (await db.selectFrom('archives').select('delivery_id').where('delivery_id', 'in', ids).execute()).map(
          (a) => a.delivery_id,
        ),
      )
    : new Set<string>();
  const names = await routeNames(ctx, orgId);
  return {
    id: m.id,
    type: m.type,
    from: m.from_address,
    subject: m.subject,
    size: m.size,
    submittedBy: m.submitted_by,
    metadata: m.metadata ? JSON.parse(m.metadata) : null,
    createdAt: iso(m.created_at)!,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      recipient: d.recipient,
      status: d.status,
      route: d.route,
      routeName: d.route ? (names.get(d.route) ?? null) : null,
      lastStatus: d.last_status,
      lastReply: d.last_reply,
      nextAttemptAt: d.status === 'deferred' || d.status === 'queued' ? iso(d.next_attempt_at) : null,
      sentAt: iso(d.sent_at),
      routeReasons: routeReasonsView(d.route_reasons, names),
      archived: archived.has(d.id),
      attempts: attempts
        .filter((a) => a.delivery_id === d.id)
        .map((a) => ({
          at: iso(a.at)!,
          route: a.route,
          routeName: names.get(a.route) ?? a.route,
          host: a.host,
          action: a.action,
          status: a.status,
          reply: a.reply,
          ruleId: a.rule_id,
          durationMs: a.duration_ms,
          tlsVersion: a.tls_version ?? null,
          tlsVerified: a.tls_verified === null || a.tls_verified === undefined ? null : a.tls_verified === 1,
        })),
      bounces: bounces
        .filter((b) => b.delivery_id === d.id)
        .map((b) => ({
          status: b.status,
          action: b.action,
          diagnosticCode: b.diagnostic_code,
          class: b.class,
          reason: b.reason,
          source: b.source,
          at: iso(b.created_at)!,
        })),
    })),
  };
}

/** The archived MIME of one delivery of the message (the first archived one unless named). */
export async function archivedMime(
  ctx: AppContext,
  orgId: string,
  messageId: string,
  deliveryId?: string,
): Promise<{ deliveryId: string; raw: Buffer }> {
  let q = ctx.store.db
    .selectFrom('archives as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .select(['a.delivery_id', 'a.raw_gzip_b64'])
    .where('d.message_id', '=', messageId)
    .where('a.org_id', '=', orgId);
  if (deliveryId) q = q.where('a.delivery_id', '=', deliveryId);
  const row = await q.orderBy('a.delivery_id').limit(1).executeTakeFirst();
  if (!row) throw notFound('archived message');
  return { deliveryId: row.delivery_id, raw: readArchived(row.raw_gzip_b64) };
}
