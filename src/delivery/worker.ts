/**
 * A worker: claims due deliveries in batches and processes them concurrently, at most
 * `concurrency` at a time, sleeping when nothing is due until the next due time, a wake-up from
 * intake, or the poll interval. On SQLite (one process) it first returns deliveries that a dead
 * process left in `sending`; on PostgreSQL their leases simply run out. `stop()` lets the
 * deliveries in flight finish.
 *
 * It also takes mail from this process's intake without claiming it back (`reserve`, `events.ts`):
 * the intake writes the deliveries of its transaction already `sending` under this worker's lease,
 * in free slots held for it, and hands them over after the commit. Only while the worker has no
 * older mail to claim (its last claim took all there was, and no process announced mail since), so
 * the queue's order holds; a delivery is still leased before it is sent, and caps are taken when it
 * is routed, as for a claimed one. Worker processes without an intake (`mailroute worker`, the
 * children of `start`) claim what the intake did not hand over, and everything else.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../context.js';
import type { SmtpBounceClassifier } from '../domain/smtp-bounce.js';
import type { HandedDelivery, TakerSlots } from '../events.js';
import { claimDue, isSending, nextDueAt, reclaimExpiredLeases } from '../queue/claim.js';
import { listenForQueued, type QueueWakeups } from '../queue/wakeups.js';
import { DeliveryEngine } from './engine.js';

const RECLAIM_EVERY_MS = 5000;
/**
 * With nothing waiting, how long an idle worker sleeps when announcements from every process reach
 * it (`queue/wakeups.ts`): new mail wakes it, so this only bounds how late it notices what nothing
 * announces (leases of a dead node that ran out, an org enabled from the command line).
 */
const IDLE_POLL_MS = 15_000;

/** Lease owners are `host:pid:random`; one of this host whose process no longer exists is dead. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return !liveOwners.has(owner);
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Owners of the workers running in this process. */
const liveOwners = new Set<string>();

export interface WorkerOptions {
  concurrency: number;
  /** The bounce classifier (`bounces/classify.ts`, a later stage: the composition root passes it). */
  classifyBounce: SmtpBounceClassifier;
  pollMs?: number;
  leaseMs?: number;
}

export class Worker {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private engine: DeliveryEngine;
  private active = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private wakeups: QueueWakeups | undefined;
  /**
   * Whether a claim may find deliveries that the last one did not see: mail was queued since (or
   * leases were reclaimed), or the last claim took as many as it asked for. Otherwise a finishing
   * delivery first asks when the next one falls due (one cheap read) instead of claiming (two
   * statements that write), which with mail trickling in was most of the queue's cost.
   */
  private mayHaveMore = true;
  /** Slots held for an intake transaction (`reserve`), and those asked for by the claim in flight. */
  private reserved = 0;
  private claiming = 0;
  /** Slots held and not yet started or given back: `stop()` waits for them. */
  private holds = new Set<Promise<void>>();
  private withdraw: (() => void) | undefined;

  constructor(
    private ctx: AppContext,
    private opts: WorkerOptions,
  ) {
    this.engine = new DeliveryEngine(ctx, this.owner, opts.classifyBounce);
  }

  async start(): Promise<void> {
    if (this.running) return;
    liveOwners.add(this.owner);
    await this.releaseOrphans();
    this.running = true;
    const queued = () => {
      this.mayHaveMore = true;
      this.wake();
    };
    this.unsubscribe = this.ctx.events.onQueued(queued);
    this.wakeups = listenForQueued(this.ctx.store, this.ctx.log, queued);
    this.withdraw = this.ctx.events.offerTaker(this);
    this.loop = this.run();
  }

  private leaseMs(): number {
    return this.opts.leaseMs ?? 300_000;
  }

  /**
   * Up to `n` free slots for deliveries that intake is about to queue (`events.ts`), or none while
   * this worker may have older mail to claim, is stopping, or is full. Slots asked for by a claim
   * in flight are not free: the worker never holds more than `concurrency` deliveries.
   */
  reserve(n: number): TakerSlots | undefined {
    // While it returns its unused relay-cap reservations, a delivery would find them neither here
    // nor yet in the database: it waits for the claim instead.
    if (!this.running || this.mayHaveMore || this.releasing) return undefined;
    const k = Math.min(n, this.opts.concurrency - this.active.size - this.reserved - this.claiming);
    if (k <= 0) return undefined;
    this.reserved += k;
    let settle!: () => void;
    const hold = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.holds.add(hold);
    let open = true;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      this.reserved -= k;
      this.holds.delete(hold);
      settle();
      return true;
    };
    return {
      owner: this.owner,
      n: k,
      leaseMs: this.leaseMs(),
      start: (handed: HandedDelivery[]) => {
        if (!open) return;
        // Every delivery handed is leased to this worker: each is processed, even past `k`.
        for (const h of handed) this.track(this.engine.process(h.delivery, h.message));
        close();
        if (handed.length < k) this.wake();
      },
      cancel: () => {
        if (close()) this.wake();
      },
    };
  }

  /** How many deliveries this worker is sending now (a test's diagnosis of a stall reads it). */
  inFlight(): number {
    return this.active.size;
  }

  /** Whether mail queued by other processes wakes this worker now (PostgreSQL; `queue/wakeups.ts`). */
  hearsOtherProcesses(): boolean {
    return this.wakeups?.live() ?? false;
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenEarly = true;
  }

  /** A wake-up that came while the loop was not asleep (claiming): its next sleep returns at once. */
  private wokenEarly = false;

  /**
   * Deliveries left in `sending` by a worker of this machine whose process is gone go back to the
   * queue at once; those of other machines wait for their lease to run out.
   */
  private async releaseOrphans(): Promise<void> {
    const owners = await this.ctx.store.db
      .selectFrom('deliveries')
      .select('lease_owner')
      .distinct()
      .where(isSending)
      .execute();
    const dead = owners
      .map((o) => o.lease_owner)
      .filter((o): o is string => o !== null && isDeadLocalOwner(o));
    if (dead.length === 0) return;
    const res = await this.ctx.store.db
      .updateTable('deliveries')
      .set({ status: 'queued', lease_owner: null, lease_until: null })
      .where(isSending)
      .where('lease_owner', 'in', dead)
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    if (n > 0)
      this.ctx.log.warn(
        { event: 'queue.resumed', deliveries: n },
        `resumed ${n} deliveries left in sending by a stopped process`,
      );
  }

  private lastReclaim = 0;

  /** Every few seconds: leases of dead workers that ran out go back to the queue. */
  private async reclaim(): Promise<void> {
    if (Date.now() - this.lastReclaim < RECLAIM_EVERY_MS) return;
    this.lastReclaim = Date.now();
    const n = await reclaimExpiredLeases(this.ctx.store, this.ctx.clock.now());
    if (n > 0) this.mayHaveMore = true;
    if (n > 0)
      this.ctx.log.warn(
        { event: 'queue.leases_reclaimed', deliveries: n },
        `took over ${n} deliveries whose worker stopped`,
      );
  }

  private async run(): Promise<void> {
    const poll = this.opts.pollMs ?? 1000;
    const { concurrency } = this.opts;
    while (this.running) {
      await this.reclaim().catch((err) =>
        this.ctx.log.error({ err, event: 'queue.reclaim_failed' }, 'reclaiming leases failed'),
      );
      const free = concurrency - this.active.size - this.reserved;
      let claimed = 0;
      // Claim in batches (a quarter of the slots at least), not one delivery per finished one.
      const canClaim = free > 0 && (free >= Math.ceil(concurrency / 4) || this.active.size === 0);
      // What this pass reads covers the wake-ups so far; only later ones cut its sleep short.
      this.wokenEarly = false;
      const waitMs =
        canClaim && !this.mayHaveMore ? await this.untilDue(poll, () => this.ctx.clock.now()) : 0;
      if (waitMs > 0) {
        if (this.active.size === 0) await this.releaseReservations();
        await this.sleep(waitMs);
        continue;
      }
      if (canClaim) {
        this.mayHaveMore = false;
        this.claiming = free;
        try {
          const batch = await claimDue(this.ctx.store, {
            owner: this.owner,
            limit: free,
            now: this.ctx.clock.now(),
            leaseMs: this.leaseMs(),
          });
          claimed = batch.length;
          if (claimed === free) this.mayHaveMore = true;
          for (const d of batch) this.track(this.engine.process(d));
        } catch (err) {
          this.mayHaveMore = true;
          this.ctx.log.error({ err, event: 'queue.claim_failed' }, 'claiming deliveries failed');
        } finally {
          this.claiming = 0;
        }
      }
      if (!canClaim) {
        await this.sleep(poll); // a finishing delivery wakes the loop
      } else if (claimed === 0) {
        if (this.active.size === 0) await this.releaseReservations();
        await this.sleep(await this.untilDue(poll, () => undefined));
      }
    }
  }

  private releasing = false;

  /** Idle: unused relay-cap reservations go back to the shared counters. */
  private async releaseReservations(): Promise<void> {
    this.releasing = true;
    try {
      await this.engine.idle();
    } catch (err) {
      this.ctx.log.error({ err, event: 'queue.release_failed' }, 'returning relay reservations failed');
    } finally {
      this.releasing = false;
    }
  }

  /**
   * 0 when a delivery is due now, else how long to sleep before one may be (at most `poll`, or
   * `IDLE_POLL_MS` when nothing waits and other processes' mail wakes this worker). When the read
   * fails, `onError` says when to assume one is due: now before a claim (so the claim, and its
   * error log, happen), or never after an empty one (sleep a poll).
   */
  private async untilDue(poll: number, onError: () => number | undefined): Promise<number> {
    let due: number | undefined;
    try {
      due = await nextDueAt(this.ctx.store);
      if (due === undefined && this.wakeups?.live()) return Math.max(poll, IDLE_POLL_MS);
    } catch {
      due = onError();
    }
    if (due === undefined) return poll;
    return Math.max(0, Math.min(poll, due - this.ctx.clock.now()));
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err) => this.ctx.log.error({ err, event: 'delivery.crashed' }, 'delivery processing crashed'))
      .finally(() => {
        this.active.delete(tracked);
        this.wake();
      });
    this.active.add(tracked);
  }

  private sleep(ms: number): Promise<void> {
    // Stopping: the loop ends now, never after a poll's sleep.
    if (!this.running) return Promise.resolve();
    if (this.wokenEarly) {
      this.wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.withdraw?.();
    this.unsubscribe?.();
    this.wake();
    await this.wakeups?.stop();
    await this.loop;
    // Slots held for an intake transaction: its deliveries are leased to this worker once it commits.
    await Promise.all(this.holds);
    await Promise.all(this.active);
    liveOwners.delete(this.owner);
    await this.engine.close();
  }
}
