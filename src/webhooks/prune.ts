/**
 * History kept for webhooks: events (one per delivery state change) and finished webhook
 * deliveries are deleted 30 days after they were written, in batches. Events not yet fanned out
 * and deliveries still pending are kept whatever their age.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';

export const WEBHOOK_HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;
const BATCH = 1000;

export async function pruneWebhookHistory(
  ctx: AppContext,
  db: Kysely<Database> = ctx.store.db,
): Promise<{ events: number; deliveries: number }> {
  const cutoff = ctx.clock.now() - WEBHOOK_HISTORY_DAYS * DAY_MS;
  let deliveries = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('created_at', '<', cutoff)
        .where('status', '!=', 'pending')
        .limit(BATCH)
        .execute()
    ).map((r) => r.id);
    if (ids.length > 0) await db.deleteFrom('webhook_deliveries').where('id', 'in', ids).execute();
    deliveries += ids.length;
    if (ids.length < BATCH) break;
  }
  let events = 0;
  for (const { id: orgId } of await db.selectFrom('orgs').select('id').execute()) {
    for (;;) {
      const ids = (
        await db
          .selectFrom('events')
          .select('id')
          .where('org_id', '=', orgId)
          .where('created_at', '<', cutoff)
          .where('webhooks_pending', '=', 0)
          .limit(BATCH)
          .execute()
      ).map((r) => r.id);
      if (ids.length > 0) await db.deleteFrom('events').where('id', 'in', ids).execute();
      events += ids.length;
      if (ids.length < BATCH) break;
    }
  }
  if (events + deliveries > 0)
    ctx.log.info(
      { event: 'webhook.history_pruned', events, deliveries },
      `deleted ${events} events and ${deliveries} webhook deliveries older than ${WEBHOOK_HISTORY_DAYS} days`,
    );
  return { events, deliveries };
}
