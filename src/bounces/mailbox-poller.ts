/**
 * The bounce mailbox poller (SPEC R19), run beside the delivery worker: every tick it looks for
 * enabled mailboxes not polled within the interval (by the injected clock) and polls them one after
 * another. Each poll takes the mailbox's lease, so several worker processes never poll one mailbox
 * at once. `stop()` waits for the poll in progress.
 */
import type { AppContext } from '../context.js';
import { pollMailbox } from './mailbox-poll.js';

export interface PollerOptions {
  /** How often each mailbox is polled. */
  intervalMs: number;
  /** How often to look for due mailboxes (real time). */
  tickMs?: number;
}

export class BounceMailboxPoller {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;

  constructor(
    private ctx: AppContext,
    private opts: PollerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.tick()
        .then(() => undefined)
        .catch((err) =>
          this.ctx.log.error(
            { err, event: 'bounce_mailbox.tick_failed' },
            'looking for bounce mailboxes failed',
          ),
        )
        .finally(() => {
          this.current = undefined;
          this.schedule(this.opts.tickMs ?? 1000);
        });
    }, ms);
    this.timer.unref();
  }

  /** Polls every mailbox that is due; returns how many were polled. */
  async tick(): Promise<number> {
    const now = this.ctx.clock.now();
    const due = await this.ctx.store.db
      .selectFrom('bounce_mailboxes')
      .select('relay_id')
      .where('enabled', '=', 1)
      .where((eb) =>
        eb.or([eb('last_poll_at', 'is', null), eb('last_poll_at', '<=', now - this.opts.intervalMs)]),
      )
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('last_poll_at')
      .limit(50)
      .execute();
    let polled = 0;
    for (const { relay_id } of due) {
      if (!this.running) break;
      if (await pollMailbox(this.ctx, relay_id)) polled++;
    }
    return polled;
  }
}
