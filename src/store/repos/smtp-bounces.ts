/**
 * Bounces at SMTP time (SPEC R18, R20, `domain/smtp-bounce.ts`), written in the transaction of the
 * deliveries' state changes (`queue/transitions.ts`), so a delivery is never `bounced` by a refusal
 * without its bounce row and, when due, its suppression: the bounce rows in one multi-row insert,
 * then the suppression rule shared with DSNs (`bounce-suppression.ts`).
 */
import type { Kysely } from 'kysely';
import { bounceOutcome } from '../../domain/bounce-outcome.js';
import { newSortableId } from '../../domain/ids.js';
import { type SmtpBounce, smtpBounceSource } from '../../domain/smtp-bounce.js';
import type { Database, DeliveriesTable, SuppressionReason } from '../schema.js';
import { suppressAfterBounce } from './bounce-suppression.js';

export interface SmtpBounceOf {
  delivery: Pick<DeliveriesTable, 'id' | 'org_id' | 'message_id' | 'recipient'>;
  bounce: SmtpBounce;
  now: number;
}

/** The action of a refusal at SMTP time, as a DSN would say it. */
const ACTION = 'failed';

const ROWS_PER_INSERT = 200;

/**
 * Records the bounces and suppresses their addresses as the rule says; returns, per delivery id,
 * the reason of a suppression one of them added.
 */
export async function recordSmtpBounces(
  trx: Kysely<Database>,
  timeZone: string,
  items: readonly SmtpBounceOf[],
): Promise<Map<string, SuppressionReason>> {
  const suppressed = new Map<string, SuppressionReason>();
  if (items.length === 0) return suppressed;
  const rows = items.map(({ delivery: d, bounce: b, now }) => ({
    id: newSortableId('bnc'),
    org_id: d.org_id,
    delivery_id: d.id,
    message_id: d.message_id,
    recipient: d.recipient,
    status: b.status,
    action: ACTION,
    diagnostic_code: b.diagnosticCode,
    class: b.class,
    reason: b.reason,
    source: smtpBounceSource,
    feedback_type: null,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    await trx
      .insertInto('bounces')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute();
  for (const { delivery: d, bounce: b, now } of items) {
    const reason = await suppressAfterBounce(trx, {
      orgId: d.org_id,
      recipient: d.recipient,
      outcome: bounceOutcome(b.class, ACTION),
      source: smtpBounceSource,
      bounceReason: b.reason,
      now,
      timeZone,
    });
    if (reason) suppressed.set(d.id, reason);
  }
  return suppressed;
}
