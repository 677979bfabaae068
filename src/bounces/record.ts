/**
 * Recording a bounce (SPEC R18, R20): given the delivery a report was matched to, writes the bounce
 * row, moves the delivery to `bounced` or `complained` (only mail that was handed over; never under a
 * worker's lease), and adds the address to the org's suppression list — at once for hard bounces and
 * complaints, after the org's soft-bounce threshold within its window for soft ones. One
 * transaction; the rule itself is `domain/bounce-outcome.ts`, its store side
 * `store/repos/bounce-suppression.ts` (shared with bounces at SMTP time). Used by the listener, the import API
 * and the provider webhooks alike.
 */
import type { AppContext } from '../context.js';
import { bounceableFrom, bounceOutcome } from '../domain/bounce-outcome.js';
import type { BounceReason } from '../domain/bounce-reasons.js';
import type { BounceClass, BounceRecipient, BounceReport } from '../domain/bounce-report.js';
import type { DeliveryStatus } from '../domain/delivery-statuses.js';
import { newSortableId } from '../domain/ids.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import type { BounceEventData } from '../domain/webhook-events.js';
import { suppressAfterBounce } from '../store/repos/bounce-suppression.js';
import type { SuppressionReason } from '../store/schema.js';
import { classify } from './classify.js';
import { checkComplaintRate } from './complaint-guard.js';
import { type HeaderMatchRefusal, headerMatchRefusal } from './match.js';

export interface BounceInput {
  deliveryId: string;
  /** The address the report names ('' when it names none: the delivery's recipient). */
  recipient: string;
  status: string;
  action: string;
  diagnosticCode: string;
  class: BounceClass;
  /**
   * Why it bounced (`domain/bounce-reasons.ts`). Left out, it is found from the class and the
   * classification rules (`reasonFor`).
   */
  reason?: BounceReason;
  /** `listener`, `api`, `webhook:<provider>`, `imap` (bounce mailbox). */
  source: string;
  feedbackType?: string;
}

export type RecordResult =
  | {
      outcome: 'recorded';
      orgId: string;
      deliveryId: string;
      status: DeliveryStatus;
      reason: BounceReason;
      suppressed?: SuppressionReason;
    }
  | { outcome: 'not-a-bounce' }
  | { outcome: 'unknown-delivery' }
  | { outcome: HeaderMatchRefusal };

/** Reasons the class alone says; other classes take the classification rules' reason. */
const reasonOfClass: Partial<Record<BounceClass, BounceReason>> = {
  complaint: 'feedback',
  'auto-reply': 'vacation',
  delivered: 'delivered',
};

/** The reason of a bounce: as given, else the one its class implies, else the rules' reason. */
export function reasonFor(
  b: Pick<BounceInput, 'reason' | 'class' | 'status' | 'diagnosticCode' | 'action'>,
): BounceReason {
  return (
    b.reason ??
    reasonOfClass[b.class] ??
    classify({ status: b.status, diagnosticCode: b.diagnosticCode, action: b.action }).reason
  );
}

/** Records one recipient's bounce; `orgId` restricts the match to one org (API import). */
export async function recordBounce(ctx: AppContext, b: BounceInput, orgId?: string): Promise<RecordResult> {
  const outcome = bounceOutcome(b.class, b.action);
  const bounceReason = reasonFor(b);
  const now = ctx.clock.now();
  const result = await ctx.store.db.transaction().execute(async (trx): Promise<RecordResult> => {
    let q = trx.selectFrom('deliveries').selectAll().where('id', '=', b.deliveryId);
    if (orgId) q = q.where('org_id', '=', orgId);
    const d = await q.executeTakeFirst();
    if (!d) return { outcome: 'unknown-delivery' };
    if (!outcome.record) return { outcome: 'not-a-bounce' };
    await trx
      .insertInto('bounces')
      .values({
        id: newSortableId('bnc'),
        org_id: d.org_id,
        delivery_id: d.id,
        message_id: d.message_id,
        recipient: b.recipient || d.recipient,
        status: b.status,
        action: b.action,
        diagnostic_code: b.diagnosticCode,
        class: b.class,
        reason: bounceReason,
        source: b.source,
        feedback_type: b.feedbackType ?? null,
        created_at: now,
      })
      .execute();
    let status = d.status;
    if (outcome.status && bounceableFrom[outcome.status].includes(d.status)) {
      const res = await trx
        .updateTable('deliveries')
        .set({
          status: outcome.status,
          last_status: b.status || d.last_status,
          last_reply: b.diagnosticCode || d.last_reply,
          updated_at: now,
        })
        .where('id', '=', d.id)
        .where('status', 'in', bounceableFrom[outcome.status])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) status = outcome.status;
    }
    const suppressed = await suppressAfterBounce(trx, {
      orgId: d.org_id,
      recipient: d.recipient,
      outcome,
      source: b.source,
      now,
      timeZone: ctx.config.timeZone,
      bounceReason,
    });
    if (status !== d.status || suppressed) {
      await trx
        .insertInto('events')
        .values({
          id: newSortableId('evt'),
          org_id: d.org_id,
          type: status === 'complained' ? 'delivery.complained' : 'delivery.bounced',
          data: JSON.stringify({
            deliveryId: d.id,
            messageId: d.message_id,
            recipient: d.recipient,
            class: b.class,
            reason: bounceReason,
            status: b.status,
            suppressed: suppressed ?? null,
          } satisfies BounceEventData),
          created_at: now,
        })
        .execute();
    }
    return {
      outcome: 'recorded',
      orgId: d.org_id,
      deliveryId: d.id,
      status,
      reason: bounceReason,
      ...(suppressed ? { suppressed } : {}),
    };
  });
  const log = {
    event: `bounce.${result.outcome.replace(/-/g, '_')}`,
    deliveryId: b.deliveryId,
    class: b.class,
    reason: bounceReason,
    source: b.source,
  };
  if (result.outcome === 'recorded')
    ctx.log.info({ ...log, status: result.status, suppressed: result.suppressed }, 'bounce recorded');
  if (result.outcome === 'recorded' && b.class === 'complaint') {
    // The report is recorded whatever the guard does: a failure here must not make it come again.
    await checkComplaintRate(ctx, result.orgId).catch((err: unknown) =>
      ctx.log.error(
        { err, event: 'complaint_guard.failed', org: result.orgId },
        'complaint-rate check failed',
      ),
    );
  } else
    ctx.log.info(log, result.outcome === 'not-a-bounce' ? 'auto-reply ignored' : 'bounce names no delivery');
  return result;
}

/** The recipient of a report that concerns a delivery to `address`. */
export function recipientFor(report: BounceReport, address: string): BounceRecipient | undefined {
  const rs = report.recipients;
  const want = address.toLowerCase();
  return (
    rs.find((r) => r.address.toLowerCase() === want || r.originalRecipient?.toLowerCase() === want) ??
    (rs.length === 1 ? rs[0] : rs.find((r) => r.class !== 'delivered'))
  );
}

/**
 * How a report was matched to its delivery when it was by the returned headers (catch-all, bounce
 * mailbox): the kinds of return path the address it arrived at stands for, and for a mailbox the
 * relay whose mail it receives. `headerMatchRefusal` decides; a refusal changes nothing.
 */
export interface HeaderMatch {
  kinds: readonly ReturnPathKind[];
  relayId?: string;
}

/** Records what a parsed report says about the delivery it was matched to. */
export async function recordReport(
  ctx: AppContext,
  deliveryId: string,
  report: BounceReport,
  source: string,
  byHeader?: HeaderMatch,
): Promise<RecordResult> {
  const d = await ctx.store.db
    .selectFrom('deliveries')
    .select(['recipient', 'relay_id', 'return_path_kind'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!d) return { outcome: 'unknown-delivery' };
  if (byHeader) {
    const refusal =
      byHeader.relayId !== undefined && d.relay_id !== byHeader.relayId
        ? 'wrong-return-path'
        : headerMatchRefusal(d, byHeader.kinds, report);
    if (refusal) return { outcome: refusal };
  }
  const r = recipientFor(report, d.recipient);
  if (!r || report.kind === 'auto-reply' || report.kind === 'not-bounce') return { outcome: 'not-a-bounce' };
  return recordBounce(ctx, {
    deliveryId,
    recipient: r.address,
    status: r.status,
    action: r.action,
    diagnosticCode: r.diagnosticCode,
    class: r.class,
    reason: r.reason,
    source,
    feedbackType: report.feedbackType,
  });
}
