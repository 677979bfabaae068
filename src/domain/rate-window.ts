/**
 * A fixed-window rate limit per key (a client address): at most `limit` hits per `windowMs`. Pure
 * state over the times it is given (the injected clock), bounded in size: when more keys than
 * `maxKeys` are tracked, the expired ones are dropped, and if none expired, the oldest.
 */
export class RateWindow {
  private hits = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts a hit; returns 0 when it is allowed, or the milliseconds until the key may try again. */
  hit(key: string, now: number): number {
    let w = this.hits.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.trim(now);
      w = { start: now, n: 0 };
      this.hits.set(key, w);
    }
    w.n += 1;
    return w.n > this.limit ? w.start + this.windowMs - now : 0;
  }

  private trim(now: number): void {
    if (this.hits.size < this.maxKeys) return;
    for (const [k, w] of this.hits) if (now - w.start >= this.windowMs) this.hits.delete(k);
    if (this.hits.size >= this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }
}
