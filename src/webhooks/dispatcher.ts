/**
 * The webhook dispatcher, run with the delivery worker: fans new events out to the endpoints that
 * want them (`fan-out.ts`), then sends the due deliveries, a few at a time. A delivery is claimed
 * with a lease (a conditional update, so two processes never send the same attempt), and its
 * outcome is written back: delivered; or failed with the status code or error and the next try
 * after 1, 5, 15, 60 minutes… (`domain/webhooks.ts`), giving up 24 hours after the event.
 * Once an hour it also deletes history older than 30 days (`prune.ts`).
 * Never logs secrets or bodies.
 */
import type { AppContext } from '../context.js';
import { nextWebhookAttempt, secretContext } from '../domain/webhooks.js';
import type { WebhookDeliveriesTable } from '../store/schema.js';
import { fanOutBatch } from './fan-out.js';
import { pruneWebhookHistory } from './prune.js';
import { sendWebhook } from './send.js';
import { type WebhookTarget, webhookTarget } from './target.js';

export interface DispatcherOptions {
  pollMs?: number;
  concurrency?: number;
  timeoutMs?: number;
  leaseMs?: number;
}

export class WebhookDispatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private pass: Promise<void> | undefined;
  private prunedAt: number | undefined;

  constructor(
    private ctx: AppContext,
    private opts: DispatcherOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.runOnce();
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(resolve, this.opts.pollMs ?? 1000);
        this.wakeUp = resolve;
      });
    }
  }

  /** One pass: fan out what is new, send what is due. Concurrent calls share the pass. */
  runOnce(): Promise<void> {
    this.pass ??= this.doPass().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async doPass(): Promise<void> {
    try {
      while ((await fanOutBatch(this.ctx)) > 0) {}
      await this.pruneHourly();
      for (;;) {
        const claimed = await this.claim();
        if (claimed.length === 0) break;
        await Promise.all(
          claimed.map((d) =>
            this.deliver(d).catch((err) =>
              this.ctx.log.error(
                { err, event: 'webhook.delivery_crashed', webhookDelivery: d.id },
                'webhook delivery failed inside mailroute; retried when its lease runs out',
              ),
            ),
          ),
        );
      }
    } catch (err) {
      this.ctx.log.error({ err, event: 'webhook.dispatch_failed' }, 'webhook dispatch failed');
    }
  }

  /** Old events and webhook deliveries go, at most once an hour by the app's clock. */
  private async pruneHourly(): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.prunedAt !== undefined && now - this.prunedAt < 3_600_000) return;
    this.prunedAt = now;
    await pruneWebhookHistory(this.ctx);
  }

  private async claim(): Promise<WebhookDeliveriesTable[]> {
    const { db } = this.ctx.store;
    const now = this.ctx.clock.now();
    const due = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(this.opts.concurrency ?? 8)
      .execute();
    const leaseUntil = now + (this.opts.leaseMs ?? 120_000);
    const claimed: WebhookDeliveriesTable[] = [];
    for (const d of due) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({ lease_until: leaseUntil })
        .where('id', '=', d.id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) claimed.push(d);
    }
    return claimed;
  }

  private async deliver(d: WebhookDeliveriesTable): Promise<void> {
    const { db } = this.ctx.store;
    const [endpoint, event] = await Promise.all([
      db.selectFrom('webhook_endpoints').selectAll().where('id', '=', d.endpoint_id).executeTakeFirst(),
      db.selectFrom('events').selectAll().where('id', '=', d.event_id).executeTakeFirst(),
    ]);
    if (!endpoint || endpoint.deleted_at !== null || endpoint.enabled !== 1 || !event) {
      await this.finish(d, { status: 'failed', code: null, error: 'endpoint disabled or deleted' });
      return;
    }
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      createdAt: new Date(event.created_at).toISOString(),
      data: JSON.parse(event.data),
    });
    const target = await webhookTarget(this.ctx, new URL(endpoint.url)).catch(
      (err: Error): WebhookTarget => ({ refused: err.message }),
    );
    const result =
      'refused' in target
        ? { ok: false, statusCode: null, error: target.refused }
        : await sendWebhook({
            url: endpoint.url,
            address: target.address,
            secret: this.ctx.secrets.decrypt(endpoint.secret_enc, secretContext(endpoint.id)),
            deliveryId: d.id,
            eventType: event.type,
            body,
            timestamp: Math.floor(this.ctx.clock.now() / 1000),
            timeoutMs: this.opts.timeoutMs ?? 10_000,
          });
    if (result.ok) {
      await this.finish(d, { status: 'delivered', code: result.statusCode, error: null });
      return;
    }
    const now = this.ctx.clock.now();
    const next = nextWebhookAttempt({ attempts: d.attempts + 1, createdAt: d.created_at, now });
    this.ctx.log.warn(
      {
        event: next ? 'webhook.retry' : 'webhook.gave_up',
        webhookDelivery: d.id,
        endpoint: endpoint.id,
        statusCode: result.statusCode,
        error: result.error,
      },
      next ? 'webhook delivery failed; will retry' : 'webhook delivery failed; giving up',
    );
    await this.finish(d, {
      status: next ? 'pending' : 'failed',
      code: result.statusCode,
      error: result.error,
      nextAt: next,
    });
  }

  private async finish(
    d: WebhookDeliveriesTable,
    r: {
      status: WebhookDeliveriesTable['status'];
      code: number | null;
      error: string | null;
      nextAt?: number;
    },
  ): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.store.db
      .updateTable('webhook_deliveries')
      .set({
        status: r.status,
        attempts: d.attempts + 1,
        last_status_code: r.code,
        last_error: r.error,
        last_attempt_at: now,
        next_attempt_at: r.nextAt ?? d.next_attempt_at,
        lease_until: null,
        updated_at: now,
      })
      .where('id', '=', d.id)
      .execute();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wakeUp?.();
    await this.loop;
    await this.pass;
  }
}
