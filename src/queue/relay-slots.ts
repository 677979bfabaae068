/**
 * Relay cap claims (SPEC R10) in small reservations: a worker reserves up to 16 units (more for a
 * large cap, `chunkFor`) of a relay's daily count at once in the database (never past the cap, so caps hold exactly across nodes) and
 * hands them out locally; near the cap it claims one at a time. A slot whose attempt did not send
 * goes back to the local reserve, and what is left is returned to the database when the worker
 * falls idle. This turns one database write per delivery into one per 16 (or more).
 *
 * One reservation per relay is in flight at a time: deliveries that find the local reserve empty
 * while a reservation is being made wait for it and share it. Without this, the 64 deliveries of a
 * claimed batch each reserved 16 at once, the database counter reached the cap while most of those
 * slots sat unused in this worker's reserve, and the last of them went to the platform as "full"
 * (issue 19: 14 of 200 at 410/1,000, `test/delivery/under-cap-fallback.test.ts`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { addWithin, type CounterKey, release } from './counters.js';

/**
 * How many units one reservation takes: 16, or a 256th of a large cap (at most 256). Each
 * reservation is a commit of its own; at a relay's full speed, 16 a time was a commit every 16
 * deliveries (a sixth of all commits in the personalized benchmark). What a reservation can leave
 * unused in a process that falls idle stays under 0.4% of the cap.
 */
export function chunkFor(limit: number): number {
  return Math.min(256, Math.max(16, Math.floor(limit / 256)));
}

const keyOf = (k: CounterKey) => `${k.orgId}\u0000${k.day}\u0000${k.scope}`;

export class RelaySlots {
  private reserve = new Map<string, { key: CounterKey; n: number }>();
  /** The reservation in flight per counter: how many units it got (0: the database refused). */
  private claiming = new Map<string, Promise<number>>();

  constructor(private db: Kysely<Database>) {}

  async take(key: CounterKey, limit: number): Promise<boolean> {
    const k = keyOf(key);
    for (;;) {
      if (this.takeLocal(k)) return true;
      const pending = this.claiming.get(k);
      if (!pending) break;
      // The database refused the reservation made meanwhile: the cap is reached, unless a slot
      // came back to the reserve since.
      if ((await pending) === 0) return this.takeLocal(k);
    }
    const claim = this.claim(key, limit);
    this.claiming.set(k, claim);
    let n: number;
    try {
      n = await claim;
    } finally {
      this.claiming.delete(k);
    }
    if (n > 0) {
      this.giveBackMany(key, n - 1);
      return true;
    }
    return this.takeLocal(k);
  }

  private takeLocal(k: string): boolean {
    const r = this.reserve.get(k);
    if (!r || r.n <= 0) return false;
    r.n--;
    return true;
  }

  /** Reserves a chunk in the database, or one unit near the cap; returns how many (0: refused). */
  private async claim(key: CounterKey, limit: number): Promise<number> {
    const chunk = chunkFor(limit);
    for (const n of chunk < limit ? [chunk, 1] : [1]) {
      if ((await addWithin(this.db, key, n, limit)) !== undefined) return n;
    }
    return 0;
  }

  /** A slot that was not used after all (the attempt failed). */
  giveBack(key: CounterKey): void {
    this.giveBackMany(key, 1);
  }

  private giveBackMany(key: CounterKey, n: number): void {
    const r = this.reserve.get(keyOf(key));
    if (r) r.n += n;
    else this.reserve.set(keyOf(key), { key, n });
  }

  /** Returns every unused reservation to the database. */
  async releaseUnused(): Promise<void> {
    const entries = [...this.reserve.values()].filter((r) => r.n > 0);
    this.reserve.clear();
    for (const r of entries) await release(this.db, r.key, r.n);
  }
}
