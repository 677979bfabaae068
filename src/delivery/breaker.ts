/**
 * The relay breaker (SPEC R13): three consecutive relay failures within the org's day suspend the
 * relay until the org's next midnight. The count lives in the database only, shared by every worker
 * process: each failure adds one in a single conditional update that returns the new count, and the
 * suspension is another, so with several workers failing at once the relay is suspended exactly
 * once, at the third failure wherever they happened. A success resets the count in the same commit
 * as its delivery's transition (`queue/transitions.ts`). Routing reads the suspension from the
 * database for every batch (`relay-states.ts`). The suspension is announced once per relay and day (`notices/admin-notices.ts`):
 * an in-app notification, a `relay.suspended` event, and an email to every admin of the org.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { dayKey, localTime, nextMidnight } from '../domain/time-zone.js';
import { noticeAdmins } from '../notices/admin-notices.js';
import type { RelaysTable } from '../store/schema.js';

export const FAILURES_TO_SUSPEND = 3;

/** Counts a failure; returns the suspension end when this failure suspended the relay. */
export async function recordRelayFailure(
  ctx: AppContext,
  relay: RelaysTable,
  timeZone: string,
  reason: string,
): Promise<number | undefined> {
  const now = ctx.clock.now();
  const day = dayKey(now, timeZone);
  const { db } = ctx.store;
  const counted = await db
    .updateTable('relays')
    .set({
      failure_count: sql`case when failure_day = ${day} then failure_count + 1 else 1 end`,
      failure_day: day,
    })
    .where('id', '=', relay.id)
    .returning('failure_count')
    .executeTakeFirst();
  if (!counted || Number(counted.failure_count) < FAILURES_TO_SUSPEND) return undefined;
  const until = nextMidnight(now, timeZone);
  const suspended = await db
    .updateTable('relays')
    .set({ suspended_until: until, updated_at: now })
    .where('id', '=', relay.id)
    .where((eb) => eb.or([eb('suspended_until', 'is', null), eb('suspended_until', '<=', now)]))
    .returning('id')
    .executeTakeFirst();
  if (!suspended) return undefined;
  ctx.log.warn(
    { event: 'relay.suspended', relay: relay.id, org: relay.org_id, until: new Date(until).toISOString() },
    `relay ${relay.name} suspended after ${FAILURES_TO_SUSPEND} consecutive failures`,
  );
  await announceSuspension(ctx, relay, { day, until, timeZone, reason });
  return until;
}

interface Suspension {
  day: string;
  until: number;
  /** The org's time zone: the email gives the end as the admins' wall-clock time, zone named. */
  timeZone: string;
  reason: string;
}

async function announceSuspension(ctx: AppContext, relay: RelaysTable, s: Suspension): Promise<void> {
  const until = localTime(s.until, s.timeZone);
  const data = {
    relayId: relay.id,
    relayName: relay.name,
    host: relay.host,
    suspendedUntil: new Date(s.until).toISOString(),
    reason: s.reason,
  };
  const subject = `[mailroute] リレーサーバー「${relay.name}」を停止しました / Relay "${relay.name}" suspended`;
  const text = [
    `リレーサーバー「${relay.name}」(${relay.host}) への送信が3回続けて失敗したため、${until} まで停止しました。`,
    'この間のメールは mailroute の配信サーバーから送信されます。管理画面から早めに再開できます。',
    `最後のエラー: ${s.reason}`,
    '',
    `Sending through relay "${relay.name}" (${relay.host}) failed three times in a row, so it is suspended until ${until}.`,
    "Meanwhile its mail goes out through mailroute's platform delivery. An admin can resume it early in the console.",
    `Last error: ${s.reason}`,
  ].join('\n');
  await ctx.store.db.transaction().execute((trx) =>
    noticeAdmins(ctx, trx, {
      orgId: relay.org_id,
      kind: 'relay.suspended',
      dedupeKey: `relay.suspended:${relay.id}:${s.day}`,
      data,
      mail: { subject, text },
    }),
  );
  ctx.events.queued(); // the admins' email, if this call wrote it
}
