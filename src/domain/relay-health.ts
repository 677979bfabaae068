/**
 * Relay health (issue 19) as pure arithmetic: the windows it is reported over, the acceptance
 * rate, the rank of a percentile, and how long a relay was suspended within a window.
 */

export const healthWindows = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type HealthWindow = keyof typeof healthWindows;

/** Attempt actions that count as the relay failing (the mail then fell back, waits, or bounced). */
export const failedActions = ['fallback', 'defer', 'bounce', 'failed'] as const;

/** Share of attempts the relay accepted, 0..1; null when there was none. */
export function acceptanceRate(sent: number, attempts: number): number | null {
  return attempts > 0 ? sent / attempts : null;
}

/** Zero-based rank of the `p` percentile (0 < p ≤ 1) among `n` sorted values (nearest rank). */
export function percentileRank(n: number, p: number): number {
  return Math.max(0, Math.ceil(p * n) - 1);
}

export interface Interval {
  from: number;
  until: number;
}

/** Milliseconds within [start, end) covered by at least one interval (overlaps counted once). */
export function coveredMs(intervals: readonly Interval[], start: number, end: number): number {
  const clipped = intervals
    .map((i) => ({ from: Math.max(i.from, start), until: Math.min(i.until, end) }))
    .filter((i) => i.until > i.from)
    .sort((a, b) => a.from - b.from);
  let total = 0;
  let reach = start;
  for (const i of clipped) {
    const from = Math.max(i.from, reach);
    if (i.until > from) {
      total += i.until - from;
      reach = i.until;
    }
  }
  return total;
}

/**
 * When each suspension ended: at its announced end, or earlier when an admin resumed the relay in
 * between (the first resume after it started).
 */
export function suspensionIntervals(
  suspensions: readonly { at: number; until: number }[],
  resumes: readonly number[],
): Interval[] {
  const sorted = [...resumes].sort((a, b) => a - b);
  return suspensions.map((s) => {
    const resumed = sorted.find((r) => r >= s.at && r < s.until);
    return { from: s.at, until: resumed ?? s.until };
  });
}
