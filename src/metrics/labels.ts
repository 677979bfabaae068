/**
 * Pure helpers that turn what the database holds into metric labels and histogram buckets: the
 * route kind of a delivery, the latency buckets, and the cumulative counts Prometheus expects.
 */

/** What a delivery's `route` says: a relay id, `platform`, or not routed yet. */
export type RouteKind = 'relay' | 'platform' | 'none';

export function routeKind(route: string | null): RouteKind {
  if (route === null || route === '') return 'none';
  return route === 'platform' ? 'platform' : 'relay';
}

/**
 * Upper bounds (seconds) of the attempt latency buckets: an SMTP hand-over takes from tens of
 * milliseconds (a relay on the LAN) to the SMTP timeout (30 s by default, a stalled reply twice that).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The bucket an observation of `ms` milliseconds falls into: the first bound it does not exceed,
 * or `bounds.length` (only `+Inf`).
 */
export function bucketOf(ms: number, bounds: readonly number[] = LATENCY_BUCKETS_SECONDS): number {
  const i = bounds.findIndex((b) => ms <= b * 1000);
  return i === -1 ? bounds.length : i;
}

/**
 * Per-bucket counts (index as `bucketOf` gives, the last one `+Inf` only) → the cumulative counts
 * of each `le` bound, `+Inf` last, which equals the total.
 */
export function cumulative(
  perBucket: ReadonlyMap<number, number>,
  bounds: readonly number[] = LATENCY_BUCKETS_SECONDS,
): { le: string; count: number }[] {
  let running = 0;
  const out: { le: string; count: number }[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    running += perBucket.get(i) ?? 0;
    out.push({ le: i < bounds.length ? String(bounds[i]) : '+Inf', count: running });
  }
  return out;
}
