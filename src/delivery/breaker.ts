/**
 * The relay breaker (SPEC R13): three consecutive relay failures within the org's day suspend the
 * relay until the org's next midnight. The count and the suspension are single conditional
 * updates, so with several workers failing at once the relay is suspended exactly once; a success
 * resets the count. The suspension is announced once per relay and day: an in-app notification, a
 * `relay.suspended` event, and an email to every admin of the org through platform delivery.
 */
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../context.js';
import { newId, newSortableId } from '../domain/ids.js';
import { dayKey, nextMidnight } from '../domain/time-zone.js';
import { enqueue } from '../queue/enqueue.js';
import type { Database, RelaysTable } from '../store/schema.js';

export const FAILURES_TO_SUSPEND = 3;

export async function recordRelaySuccess(db: Kysely<Database>, relayId: string): Promise<void> {
  await db
    .updateTable('relays')
    .set({ failure_count: 0 })
    .where('id', '=', relayId)
    .where('failure_count', '>', 0)
    .execute();
}

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
  await announceSuspension(ctx, relay, { day, until, reason });
  return until;
}

interface Suspension {
  day: string;
  until: number;
  reason: string;
}

async function announceSuspension(ctx: AppContext, relay: RelaysTable, s: Suspension): Promise<void> {
  const now = ctx.clock.now();
  const data = {
    relayId: relay.id,
    relayName: relay.name,
    host: relay.host,
    suspendedUntil: new Date(s.until).toISOString(),
    reason: s.reason,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('notifications')
      .values({
        id: newId('ntf'),
        org_id: relay.org_id,
        kind: 'relay.suspended',
        dedupe_key: `relay.suspended:${relay.id}:${s.day}`,
        data: JSON.stringify(data),
        created_at: now,
        read_at: null,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    await trx
      .insertInto('events')
      .values({
        id: newSortableId('evt'),
        org_id: relay.org_id,
        type: 'relay.suspended',
        data: JSON.stringify(data),
        created_at: now,
      })
      .execute();
    await emailAdmins(ctx, trx, relay, data, now);
  });
}

async function emailAdmins(
  ctx: AppContext,
  trx: Kysely<Database>,
  relay: RelaysTable,
  data: Record<string, string>,
  now: number,
): Promise<void> {
  const admins = await trx
    .selectFrom('users')
    .select('email')
    .where('org_id', '=', relay.org_id)
    .where('role', '=', 'admin')
    .execute();
  if (admins.length === 0) return;
  const org = await trx
    .selectFrom('orgs')
    .select('datacenter')
    .where('id', '=', relay.org_id)
    .executeTakeFirstOrThrow();
  const dc = ctx.config.dataCenters.find((d) => d.id === org.datacenter) ?? ctx.config.dataCenters[0]!;
  const from = ctx.config.notifyFrom ?? `mailroute@${dc.bounceDomain}`;
  const subject = `[mailroute] リレーサーバー「${relay.name}」を停止しました / Relay "${relay.name}" suspended`;
  const text = [
    `リレーサーバー「${relay.name}」(${relay.host}) への送信が3回続けて失敗したため、${data.suspendedUntil} まで停止しました。`,
    'この間のメールは mailroute の配信サーバーから送信されます。管理画面から早めに再開できます。',
    `最後のエラー: ${data.reason}`,
    '',
    `Sending through relay "${relay.name}" (${relay.host}) failed three times in a row, so it is suspended until ${data.suspendedUntil}.`,
    "Meanwhile its mail goes out through mailroute's platform delivery. An admin can resume it early in the console.",
    `Last error: ${data.reason}`,
  ].join('\n');
  const content = { from, to: admins.map((a) => a.email), cc: [], subject, text };
  await enqueue(
    trx,
    {
      org_id: relay.org_id,
      type: 'system',
      from_address: from,
      from_domain: from.split('@')[1]!,
      subject,
      content: JSON.stringify(content),
      metadata: JSON.stringify({ notification: 'relay.suspended', relayId: relay.id }),
      size: Buffer.byteLength(text),
      submitted_by: 'system',
    },
    admins.map((a) => ({ recipient: a.email, recipientDomain: a.email.split('@')[1]! })),
    { now, priority: 0 },
  );
}
