/**
 * Notices to an org's admins (SPEC R2, R13): an in-app notification, an event of the same type
 * for webhooks, and an email to every admin of the org through platform delivery. All three are
 * written in the caller's transaction, and only once per dedupe key (the notification's unique
 * key), so several workers that see the same change announce it once.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { newId, newSortableId } from '../domain/ids.js';
import type { WebhookEventType } from '../domain/webhook-events.js';
import { enqueue } from '../queue/enqueue.js';
import type { Database } from '../store/schema.js';

export interface AdminNotice {
  orgId: string;
  /** The notification's kind and the event's type. */
  kind: Extract<WebhookEventType, `relay.${string}` | `org.${string}`>;
  /** At most one notice per key, e.g. the relay and the day it was suspended. */
  dedupeKey: string;
  /** What the console and webhook receivers read (`relayId`, `relayName`…). */
  data: Record<string, string>;
  /** The email to the admins, in Japanese and English. */
  mail: { subject: string; text: string };
}

/** Records the notice unless one with its key exists; returns whether this call recorded it. */
export async function noticeAdmins(
  ctx: AppContext,
  trx: Kysely<Database>,
  notice: AdminNotice,
): Promise<boolean> {
  const now = ctx.clock.now();
  const data = JSON.stringify(notice.data);
  const inserted = await trx
    .insertInto('notifications')
    .values({
      id: newId('ntf'),
      org_id: notice.orgId,
      kind: notice.kind,
      dedupe_key: notice.dedupeKey,
      data,
      created_at: now,
      read_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await trx
    .insertInto('events')
    .values({ id: newSortableId('evt'), org_id: notice.orgId, type: notice.kind, data, created_at: now })
    .execute();
  await emailAdmins(ctx, trx, notice, now);
  return true;
}

async function emailAdmins(
  ctx: AppContext,
  trx: Kysely<Database>,
  notice: AdminNotice,
  now: number,
): Promise<void> {
  const admins = await trx
    .selectFrom('users')
    .select('email')
    .where('org_id', '=', notice.orgId)
    .where('role', '=', 'admin')
    .execute();
  if (admins.length === 0) return;
  const org = await trx
    .selectFrom('orgs')
    .select('datacenter')
    .where('id', '=', notice.orgId)
    .executeTakeFirstOrThrow();
  const dc = ctx.config.dataCenters.find((d) => d.id === org.datacenter) ?? ctx.config.dataCenters[0]!;
  const from = ctx.config.notifyFrom ?? `mailroute@${dc.bounceDomain}`;
  const { subject, text } = notice.mail;
  const content = { from, to: admins.map((a) => a.email), cc: [], subject, text };
  const metadata = { notification: notice.kind, relayId: notice.data.relayId };
  await enqueue(
    trx,
    {
      org_id: notice.orgId,
      type: 'system',
      from_address: from,
      from_domain: from.split('@')[1]!,
      subject,
      content: JSON.stringify(content),
      metadata: JSON.stringify(metadata),
      size: Buffer.byteLength(text),
      submitted_by: 'system',
    },
    admins.map((a) => ({ recipient: a.email, recipientDomain: a.email.split('@')[1]! })),
    { now, priority: 0 },
  );
}
