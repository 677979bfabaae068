/**
 * Archive retention (SPEC R23): each org's archived messages older than its
 * `archiveRetentionDays` setting are deleted, in batches so no statement holds the database long.
 * The job runs with the delivery worker: once at start, then at most once an hour by the app's
 * clock (checked every minute, so a test clock that jumps ahead is noticed).
 */
import type { AppContext } from '../context.js';
import { getSettings } from './settings.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BATCH = 500;

/** Deletes one org's archives created before `cutoff`; returns how many went. */
async function pruneOrg(ctx: AppContext, orgId: string, cutoff: number): Promise<number> {
  const { db } = ctx.store;
  let deleted = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('archives')
        .select('delivery_id')
        .where('org_id', '=', orgId)
        .where('created_at', '<', cutoff)
        .limit(BATCH)
        .execute()
    ).map((r) => r.delivery_id);
    if (ids.length === 0) return deleted;
    const res = await db.deleteFrom('archives').where('delivery_id', 'in', ids).executeTakeFirst();
    deleted += Number(res.numDeletedRows);
    if (ids.length < BATCH) return deleted;
  }
}

/** One pass over every org; returns the number of archives deleted per org (orgs with none omitted). */
export async function pruneArchives(ctx: AppContext): Promise<Map<string, number>> {
  const now = ctx.clock.now();
  const out = new Map<string, number>();
  const orgs = await ctx.store.db.selectFrom('orgs').select('id').execute();
  for (const { id } of orgs) {
    const { archiveRetentionDays } = await getSettings(ctx, id);
    const n = await pruneOrg(ctx, id, now - archiveRetentionDays * DAY_MS);
    if (n > 0) {
      out.set(id, n);
      ctx.log.info(
        { event: 'archive.pruned', org: id, deleted: n, retentionDays: archiveRetentionDays },
        `deleted ${n} archived messages older than ${archiveRetentionDays} days`,
      );
    }
  }
  return out;
}

export class ArchiveRetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private lastRun: number | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private ctx: AppContext,
    private opts: { checkMs?: number; everyMs?: number } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.checkMs ?? 60_000);
    this.timer.unref();
  }

  private tick(): void {
    void this.check();
  }

  /** Runs a pass when none ran in the last hour (by the app's clock); resolves when it is done. */
  async check(): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.running) return void (await this.running);
    if (this.lastRun !== undefined && now - this.lastRun < (this.opts.everyMs ?? HOUR_MS)) return;
    this.lastRun = now;
    this.running = pruneArchives(this.ctx)
      .catch((err) => this.ctx.log.error({ err, event: 'archive.prune_failed' }, 'archive retention failed'))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
