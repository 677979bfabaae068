/**
 * Connection limits that hold across every worker process (issue 21): a limit of N connections is N
 * slots in the database (`store/repos/limit-slots.ts`), and a process opens a connection only on a
 * slot it leased. Each leased slot has a pool of its own with one connection (closed after
 * `messagesPerConnection` messages and reopened), so the connections open to a relay or a
 * destination, counted over all processes, never pass N.
 *
 * A process keeps a slot while it is busy, and a moment (`lingerMs`) after, so a run of deliveries
 * reuses its session; then it closes the connection and gives the slot back. Leases are renewed
 * while held and expire after `ttlMs` otherwise: a worker that crashes frees its share. Deliveries
 * that find every slot of their process busy wait for one (`waitMs`); a process that holds none
 * and can lease none is told to come back later.
 *
 * Lease times are the machine's real time: they are about real connections, not the queue's clock.
 */
import type { Kysely } from 'kysely';
import { ensureSlots, releaseSlot, renewHeld, takeSlots } from '../store/repos/limit-slots.js';
import type { Database } from '../store/schema.js';
import type { PoolOptions, SendPools, SmtpPools } from '../transports/smtp-pools.js';

export interface Lease {
  /** Sends on this lease's one connection. */
  pools: SendPools;
  release(): void;
}

interface Held {
  slot: number;
  busy: boolean;
  timer?: NodeJS.Timeout;
  /** The pools this slot opened (one, unless the destination's MX host changed). */
  poolKeys: Set<string>;
}

interface Limit {
  key: string;
  max: number;
  perConnection: number;
  ensured: number;
  held: Map<number, Held>;
  waiters: ((h: Held) => void)[];
  /** Looking for a slot another process gives back, while deliveries here wait for one. */
  polling: boolean;
}

export interface LeaseTimes {
  ttlMs: number;
  lingerMs: number;
  waitMs: number;
  /** Between closing a connection and giving its slot back, for the socket to end. */
  graceMs: number;
  /** How often waiting deliveries look for a slot another process gave back. */
  pollMs: number;
}

const defaults: LeaseTimes = { ttlMs: 30_000, lingerMs: 500, waitMs: 10_000, graceMs: 50, pollMs: 100 };

/** The options of a pool of one connection, made once per options object (the pools compare them). */
const narrowed = new WeakMap<PoolOptions, { perConnection: number; options: PoolOptions }>();

function oneConnection(options: PoolOptions, perConnection: number): PoolOptions {
  const hit = narrowed.get(options);
  if (hit && hit.perConnection === perConnection) return hit.options;
  const one = { ...options, maxConnections: 1, maxMessages: perConnection };
  narrowed.set(options, { perConnection, options: one });
  return one;
}

export class ConnectionLeases {
  private limits = new Map<string, Limit>();
  private renewer: NodeJS.Timeout | undefined;
  private times: LeaseTimes;

  constructor(
    private db: Kysely<Database>,
    private pools: SmtpPools,
    private holder: string,
    times: Partial<LeaseTimes> = {},
  ) {
    this.times = { ...defaults, ...times };
  }

  /** A connection slot of `key` (at most `max` over all processes), or undefined: none now. */
  async acquire(key: string, max: number, perConnection: number): Promise<Lease | undefined> {
    let l = this.limits.get(key);
    if (!l) {
      l = { key, max, perConnection, ensured: 0, held: new Map(), waiters: [], polling: false };
      this.limits.set(key, l);
    }
    l.max = max;
    l.perConnection = perConnection;
    for (const h of l.held.values()) if (!h.busy && h.slot < max) return this.lease(l, h);
    if (l.held.size < max && l.waiters.length === 0) {
      const h = await this.take(l);
      if (h) return this.lease(l, h);
    }
    const limit = l;
    const got = new Promise<Lease | undefined>((resolve) => {
      const waiter = (h: Held) => {
        clearTimeout(timer);
        resolve(this.lease(limit, h));
      };
      const timer = setTimeout(() => {
        limit.waiters.splice(limit.waiters.indexOf(waiter), 1);
        resolve(undefined);
      }, this.times.waitMs);
      limit.waiters.push(waiter);
    });
    void this.poll(limit);
    return got;
  }

  /** Leases one more slot of `l` from the database, if one is free. */
  private async take(l: Limit): Promise<Held | undefined> {
    if (l.ensured < l.max) {
      await ensureSlots(this.db, l.key, l.max);
      l.ensured = l.max;
    }
    const now = Date.now();
    const [slot] = await takeSlots(this.db, l.key, l.max, 1, this.holder, now, now + this.times.ttlMs);
    if (slot === undefined) return undefined;
    const h: Held = { slot, busy: false, poolKeys: new Set() };
    l.held.set(slot, h);
    this.renewing();
    return h;
  }

  /** While deliveries wait and this process may hold more, looks for a slot given back elsewhere. */
  private async poll(l: Limit): Promise<void> {
    if (l.polling) return;
    l.polling = true;
    try {
      while (l.waiters.length > 0 && l.held.size < l.max && this.limits.get(l.key) === l) {
        const h = await this.take(l).catch(() => undefined);
        if (h) {
          const next = l.waiters.shift();
          if (next) next(h);
          else this.done(l, h);
          continue;
        }
        await new Promise((r) => setTimeout(r, this.times.pollMs));
      }
    } finally {
      l.polling = false;
    }
  }

  private lease(l: Limit, h: Held): Lease {
    h.busy = true;
    clearTimeout(h.timer);
    let released = false;
    const pools: SendPools = {
      send: (poolKey, options: PoolOptions, raw, envelope, messageId) => {
        const k = `${poolKey}#${l.key}#${h.slot}`;
        if (!h.poolKeys.has(k)) {
          // One connection per slot: a slot moving to another host closes the one it had.
          for (const old of h.poolKeys) this.pools.close(old);
          h.poolKeys.clear();
          h.poolKeys.add(k);
        }
        return this.pools.send(k, oneConnection(options, l.perConnection), raw, envelope, messageId);
      },
    };
    return {
      pools,
      release: () => {
        if (released) return;
        released = true;
        this.done(l, h);
      },
    };
  }

  private done(l: Limit, h: Held): void {
    h.busy = false;
    if (h.slot < l.max) {
      const next = l.waiters.shift();
      if (next) {
        next(h);
        return;
      }
    }
    h.timer = setTimeout(() => void this.drop(l, h), this.times.lingerMs);
    h.timer.unref();
  }

  /** Closes an idle slot's connection, then gives the slot back. */
  private async drop(l: Limit, h: Held): Promise<void> {
    if (h.busy || l.held.get(h.slot) !== h) return;
    l.held.delete(h.slot);
    for (const k of h.poolKeys) this.pools.close(k);
    await new Promise((r) => setTimeout(r, this.times.graceMs));
    await releaseSlot(this.db, l.key, h.slot, this.holder).catch(() => undefined);
  }

  private renewing(): void {
    if (this.renewer) return;
    this.renewer = setInterval(() => {
      if (![...this.limits.values()].some((l) => l.held.size > 0)) return;
      const now = Date.now();
      renewHeld(this.db, this.holder, now, now + this.times.ttlMs).catch(() => undefined);
    }, this.times.ttlMs / 3);
    this.renewer.unref();
  }

  /** Closes every connection and gives every slot back. */
  async close(): Promise<void> {
    clearInterval(this.renewer);
    this.renewer = undefined;
    for (const l of this.limits.values()) {
      for (const h of l.held.values()) {
        clearTimeout(h.timer);
        for (const k of h.poolKeys) this.pools.close(k);
      }
    }
    const held = [...this.limits.values()].flatMap((l) => [...l.held.values()].map((h) => ({ l, h })));
    this.limits.clear();
    if (held.length === 0) return;
    await new Promise((r) => setTimeout(r, this.times.graceMs));
    for (const { l, h } of held)
      await releaseSlot(this.db, l.key, h.slot, this.holder).catch(() => undefined);
  }
}
