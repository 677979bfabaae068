/**
 * Relay cap claims (SPEC R10) in small reservations: a worker reserves up to 16 units of a relay's
 * daily count at once in the database (never past the cap, so caps hold exactly across nodes) and
 * hands them out locally; near the cap it claims one at a time. A slot whose attempt did not send
 * goes back to the local reserve, and what is left is returned to the database when the worker
 * falls idle. This turns one database write per delivery into one per 16.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { addWithin, type CounterKey, release } from './counters.js';

const CHUNK = 16;

const keyOf = (k: CounterKey) => `${k.orgId}\u0000${k.day}\u0000${k.scope}`;

export class RelaySlots {
  private reserve = new Map<string, { key: CounterKey; n: number }>();

  constructor(private db: Kysely<Database>) {}

  async take(key: CounterKey, limit: number): Promise<boolean> {
    const r = this.reserve.get(keyOf(key));
    if (r && r.n > 0) {
      r.n--;
      return true;
    }
    for (const n of CHUNK < limit ? [CHUNK, 1] : [1]) {
      if ((await addWithin(this.db, key, n, limit)) !== undefined) {
        this.giveBackMany(key, n - 1);
        return true;
      }
    }
    return false;
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
