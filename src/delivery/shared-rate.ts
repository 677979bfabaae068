/**
 * Messages per rolling minute across every worker process (issue 21): a rate of R is R slots in the
 * database, and each message takes one for a minute (`store/repos/limit-slots.ts`). No R+1-th
 * message can start within a minute of the first of R, whichever process sends it, and a burst of
 * up to R goes at once, as the per-process pace did. Times are the queue's clock.
 */
import type { Kysely } from 'kysely';
import { ensureSlots, nextFree, takeSlots } from '../store/repos/limit-slots.js';
import type { Database } from '../store/schema.js';

const WINDOW_MS = 60_000;

export class SharedRate {
  private ensured = new Map<string, number>();

  constructor(private db: Kysely<Database>) {}

  /** Takes a send under `key`'s rate: returns `now` when taken, else when to come back. */
  async take(key: string, perMinute: number, now: number): Promise<number> {
    if ((this.ensured.get(key) ?? 0) < perMinute) {
      await ensureSlots(this.db, key, perMinute);
      this.ensured.set(key, perMinute);
    }
    const got = await takeSlots(this.db, key, perMinute, 1, 'rate', now, now + WINDOW_MS);
    if (got.length > 0) return now;
    const at = await nextFree(this.db, key, perMinute);
    return at !== undefined && at > now ? at : now + 1_000;
  }
}
