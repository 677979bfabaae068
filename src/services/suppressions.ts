/**
 * Reading and changing the suppression list (SPEC R20). Bounces add to it on their own
 * (`bounces/record.ts`); admins add and remove addresses by hand, audited.
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../domain/errors.js';
import { scopeOf } from '../domain/suppressions.js';
import { iso } from '../schemas/common.js';
import type { SuppressionQuery, SuppressionView } from '../schemas/suppressions.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { addSuppression } from '../store/repos/suppressions.js';
import type { SuppressionReason, SuppressionScope, SuppressionsTable } from '../store/schema.js';
import { decodeCursor, encodeCursor } from './cursors.js';

const view = (s: SuppressionsTable): SuppressionView => ({
  address: s.address,
  reason: s.reason,
  bounceReason: s.bounce_reason ?? null,
  scope: s.scope,
  source: s.source,
  createdAt: iso(s.created_at)!,
});

export async function listSuppressions(ctx: AppContext, orgId: string, q: SuppressionQuery) {
  let query = ctx.store.db.selectFrom('suppressions').selectAll().where('org_id', '=', orgId);
  const address = q.address?.toLowerCase();
  if (address?.startsWith('@')) query = query.where('address', 'like', `%${address.replace(/[%_\\]/g, '')}`);
  else if (address) query = query.where('address', '=', address);
  if (q.reason) query = query.where('reason', '=', q.reason);
  if (q.scope) query = query.where('scope', '=', q.scope);
  const after = decodeCursor('suppressions', q.cursor);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.at),
        eb.and([eb('created_at', '=', after.at), eb('address', '<', after.address)]),
      ]),
    );
  const rows = await query.orderBy('created_at', 'desc').orderBy('address', 'desc').limit(q.limit).execute();
  const last = rows.at(-1);
  return {
    items: rows.map(view),
    nextCursor:
      rows.length === q.limit && last
        ? encodeCursor('suppressions', { at: last.created_at, address: last.address })
        : null,
  };
}

export async function suppress(
  ctx: AppContext,
  actor: Principal,
  input: { address: string; reason: SuppressionReason; scope?: SuppressionScope },
): Promise<SuppressionView> {
  const row: SuppressionsTable = {
    org_id: actor.orgId,
    address: input.address.toLowerCase(),
    reason: input.reason,
    source: actor.label,
    created_at: ctx.clock.now(),
    scope: input.scope ?? scopeOf(input.reason),
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await addSuppression(trx, row)))
      throw new AppError('conflict', `${row.address} is already suppressed`, {
        address: 'is already suppressed',
      });
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'suppression.create',
      targetType: 'suppression',
      targetId: row.address,
      after: view(row),
      at: row.created_at,
    });
  });
  return view(row);
}

export async function unsuppress(ctx: AppContext, actor: Principal, address: string): Promise<void> {
  const now = ctx.clock.now();
  const key = address.toLowerCase();
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('suppressions')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('address', '=', key)
      .executeTakeFirst();
    if (!row) throw notFound('suppression');
    await trx
      .deleteFrom('suppressions')
      .where('org_id', '=', actor.orgId)
      .where('address', '=', key)
      .execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'suppression.delete',
      targetType: 'suppression',
      targetId: key,
      before: view(row),
      at: now,
    });
  });
}
