/**
 * What a recorded bounce does to the org's suppression list (SPEC R20), inside the transaction that
 * records it: hard bounces and complaints suppress the address at once; soft failures once the
 * address has soft-bounced on as many deliveries as the org's threshold within its window. The rule
 * is `domain/bounce-outcome.ts`; this is its one store side, for DSNs (`bounces/record.ts`) and
 * bounces at SMTP time (`queue/transitions.ts`) alike.
 */
import { type Kysely, sql } from 'kysely';
import type { BounceOutcome } from '../../domain/bounce-outcome.js';
import type { BounceReason } from '../../domain/bounce-reasons.js';
import { scopeOf } from '../../domain/suppressions.js';
import type { Database, SuppressionReason } from '../schema.js';
import { orgSettings } from './settings.js';
import { addSuppression } from './suppressions.js';

const DAY_MS = 86_400_000;

export interface SuppressAfter {
  orgId: string;
  /** The delivery's recipient. */
  recipient: string;
  outcome: Pick<BounceOutcome, 'suppress' | 'countsAsSoft'>;
  /** What added it (the bounce's source). */
  source: string;
  /** Why the address bounced, when known (`suppressions.bounce_reason`). */
  bounceReason?: BounceReason;
  now: number;
  /** The server's default time zone (the org's settings fall back on it). */
  timeZone: string;
}

/**
 * Suppresses the recipient when the bounce just recorded calls for it; the reason when this bounce
 * added the address (undefined when none is due or it was on the list already).
 */
export async function suppressAfterBounce(
  trx: Kysely<Database>,
  s: SuppressAfter,
): Promise<SuppressionReason | undefined> {
  const reason = s.outcome.suppress ?? (s.outcome.countsAsSoft ? await softReason(trx, s) : undefined);
  if (!reason) return undefined;
  const added = await addSuppression(trx, {
    org_id: s.orgId,
    address: s.recipient,
    reason,
    source: s.source,
    bounce_reason: s.bounceReason ?? null,
    scope: scopeOf(reason),
    created_at: s.now,
  });
  return added ? reason : undefined;
}

/** 'soft-bounces' when this address has soft-bounced on as many deliveries as the org's threshold. */
async function softReason(trx: Kysely<Database>, s: SuppressAfter): Promise<SuppressionReason | undefined> {
  const settings = await orgSettings(trx, s.timeZone, s.orgId);
  const row = await trx
    .selectFrom('bounces as b')
    .innerJoin('deliveries as d', 'd.id', 'b.delivery_id')
    .select((eb) => eb.fn.count<number | string>(sql`distinct b.delivery_id`).as('n'))
    .where('b.org_id', '=', s.orgId)
    .where('b.class', '=', 'soft')
    .where('b.action', '<>', 'delayed')
    .where('b.created_at', '>=', s.now - settings.softBounceWindowDays * DAY_MS)
    .where(sql<string>`lower(d.recipient)`, '=', s.recipient.toLowerCase())
    .executeTakeFirstOrThrow();
  return Number(row.n) >= settings.softBounceThreshold ? 'soft-bounces' : undefined;
}
