/**
 * `POST /api/v1/bounces` (SPEC R19): an admin reports a bounce that a relay kept, naming the
 * delivery by its id, by the mailroute message id and the recipient, or by the Message-ID header of
 * the sent mail (`<dlv_…@from-domain>`). The reason and the class are taken as given (a reason
 * alone gives its class) or found by the classification rules from the status and diagnostic.
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { classOfReason } from '../domain/bounce-reasons.js';
import { invalidField, notFound } from '../domain/errors.js';
import type { BounceImport, BounceImported } from '../schemas/bounces.js';
import { classify } from './classify.js';
import { deliveryInHeaders } from './match.js';
import { recordBounce } from './record.js';

async function deliveryOf(ctx: AppContext, orgId: string, b: BounceImport): Promise<string> {
  if (b.deliveryId) return b.deliveryId;
  const id = b.messageId!.trim();
  if (/^msg_/.test(id)) {
    const d = await ctx.store.db
      .selectFrom('deliveries')
      .select('id')
      .where('org_id', '=', orgId)
      .where('message_id', '=', id)
      .where('recipient', '=', b.recipient)
      .executeTakeFirst();
    if (!d) throw notFound(`delivery of message ${id} to ${b.recipient}`);
    return d.id;
  }
  const named = deliveryInHeaders({ 'message-id': id });
  if (!named)
    throw invalidField('messageId', 'must be a mailroute message id (msg_…) or a Message-ID <dlv_…@domain>');
  return named;
}

export async function importBounce(
  ctx: AppContext,
  actor: Principal,
  b: BounceImport,
): Promise<BounceImported> {
  const deliveryId = await deliveryOf(ctx, actor.orgId, b);
  const c = classify({ status: b.status, diagnosticCode: b.diagnosticCode, action: b.action });
  const reason = b.reason ?? c.reason;
  const cls = b.class ?? (b.reason ? classOfReason(b.reason) : c.class);
  const r = await recordBounce(
    ctx,
    {
      deliveryId,
      recipient: b.recipient,
      status: b.status,
      action: b.action,
      diagnosticCode: b.diagnosticCode,
      class: cls,
      reason,
      source: 'api',
    },
    actor.orgId,
  );
  if (r.outcome === 'unknown-delivery') throw notFound('delivery');
  return {
    recorded: r.outcome === 'recorded',
    deliveryId,
    class: cls,
    reason,
    deliveryStatus: r.outcome === 'recorded' ? r.status : null,
    suppressed: r.outcome === 'recorded' ? (r.suppressed ?? null) : null,
  };
}
