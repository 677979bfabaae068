/**
 * Fan-out: every event still marked `webhooks_pending` becomes one delivery row per enabled
 * endpoint of its org subscribed to its type (and created before the event), then loses the mark,
 * in one transaction per batch. Several processes may fan out at once: on PostgreSQL the rows are
 * claimed with `FOR UPDATE SKIP LOCKED`, and the (event, endpoint) pair is unique anyway.
 */
import type { AppContext } from '../context.js';
import { newSortableId } from '../domain/ids.js';
import type { WebhookDeliveriesTable } from '../store/schema.js';

const BATCH = 500;

const SKIP_BATCH = 5000;

/**
 * The common case, made cheap: events of orgs without an enabled endpoint lose their mark in one
 * statement, without being read. Returns how many.
 */
async function skipUnwatched(ctx: AppContext): Promise<number> {
  const { db } = ctx.store;
  const res = await db
    .updateTable('events')
    .set({ webhooks_pending: 0 })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('events')
        .select('id')
        .where('webhooks_pending', '=', 1)
        .where('org_id', 'not in', (sub) =>
          sub
            .selectFrom('webhook_endpoints')
            .select('org_id')
            .where('enabled', '=', 1)
            .where('deleted_at', 'is', null),
        )
        .orderBy('id')
        .limit(SKIP_BATCH),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Fans out one batch; returns how many events it took (more than none means: call again). */
export async function fanOutBatch(ctx: AppContext): Promise<number> {
  const skipped = await skipUnwatched(ctx);
  return skipped + (await fanOutWatched(ctx));
}

async function fanOutWatched(ctx: AppContext): Promise<number> {
  const { db } = ctx.store;
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('events')
      .select(['id', 'org_id', 'type', 'created_at'])
      .where('webhooks_pending', '=', 1)
      .orderBy('id')
      .limit(BATCH);
    if (ctx.store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const events = await q.execute();
    if (events.length === 0) return 0;
    const orgs = [...new Set(events.map((e) => e.org_id))];
    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'org_id', 'events', 'created_at'])
      .where('org_id', 'in', orgs)
      .where('enabled', '=', 1)
      .where('deleted_at', 'is', null)
      .execute();
    const byOrg = new Map<string, { id: string; types: Set<string>; createdAt: number }[]>();
    for (const e of endpoints) {
      const list = byOrg.get(e.org_id) ?? [];
      list.push({ id: e.id, types: new Set(JSON.parse(e.events) as string[]), createdAt: e.created_at });
      byOrg.set(e.org_id, list);
    }
    const now = ctx.clock.now();
    const rows: WebhookDeliveriesTable[] = [];
    for (const ev of events) {
      for (const ep of byOrg.get(ev.org_id) ?? []) {
        if (!ep.types.has(ev.type) || ep.createdAt > ev.created_at) continue;
        rows.push({
          id: newSortableId('whd'),
          org_id: ev.org_id,
          endpoint_id: ep.id,
          event_id: ev.id,
          event_type: ev.type,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          lease_until: null,
          last_status_code: null,
          last_error: null,
          last_attempt_at: null,
          created_at: now,
          updated_at: now,
        });
      }
    }
    for (let i = 0; i < rows.length; i += 200)
      await trx
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())
        .execute();
    await trx
      .updateTable('events')
      .set({ webhooks_pending: 0 })
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    return events.length;
  });
}
