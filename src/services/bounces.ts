/**
 * Reading the org's recorded bounces (SPEC R18, `GET /api/v1/bounces`), newest first, by reason,
 * class or recipient. Bounce ids are sortable (time first), so the page key is the id alone.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import type { BounceQuery, BounceView } from '../schemas/bounces.js';
import { iso } from '../schemas/common.js';
import type { BouncesTable } from '../store/schema.js';
import { decodeCursor, encodeCursor } from './cursors.js';

const view = (b: BouncesTable): BounceView => ({
  id: b.id,
  deliveryId: b.delivery_id,
  messageId: b.message_id,
  recipient: b.recipient,
  status: b.status,
  action: b.action,
  diagnosticCode: b.diagnostic_code,
  class: b.class,
  reason: b.reason,
  source: b.source,
  createdAt: iso(b.created_at)!,
});

export async function listBounces(
  ctx: AppContext,
  orgId: string,
  q: BounceQuery,
): Promise<{ items: BounceView[]; nextCursor: string | null }> {
  let query = ctx.store.db.selectFrom('bounces').selectAll().where('org_id', '=', orgId);
  if (q.reason) query = query.where('reason', '=', q.reason);
  if (q.class) query = query.where('class', '=', q.class);
  if (q.recipient) query = query.where(sql<string>`lower(recipient)`, '=', q.recipient.toLowerCase());
  const after = decodeCursor('bounces', q.cursor);
  if (after) query = query.where('id', '<', after.id);
  const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
  const last = rows.at(-1);
  return {
    items: rows.map(view),
    nextCursor: rows.length === q.limit && last ? encodeCursor('bounces', { id: last.id }) : null,
  };
}
