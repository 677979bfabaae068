/**
 * Retry schedule (SPEC R9b, R16) as configuration plus pure functions, like Postfix's
 * minimal/maximal_backoff_time and maximal_queue_lifetime. Times are epoch milliseconds.
 *
 * After the n-th failed attempt a delivery waits `delaysMinutes[n-1]`, then the last delay again
 * and again; no retry is set past `createdAt + maxAgeHours`: the last one is moved to that moment,
 * and a failure at or after it expires the delivery. Jitter is off unless the policy sets it.
 * A "slow down" reply re-queues the delivery on the same relay after `slowdownDelay()`.
 */

export interface RetryPolicy {
  /** Waits after the 1st, 2nd… failed attempt; the last one repeats. */
  delaysMinutes: readonly number[];
  /** Age, from `createdAt`, after which a delivery that still fails expires. */
  maxAgeHours: number;
  /** Spread each wait by up to this fraction more (0 ≤ jitter ≤ 1); 0 or absent: none. */
  jitter?: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  delaysMinutes: Object.freeze([1, 5, 15, 60, 240]),
  maxAgeHours: 72,
});

export interface RetryState {
  /** Attempts made so far, the one that just failed included. */
  attempts: number;
  /** When the delivery was queued (or first attempted: the caller picks the start of its lifetime). */
  createdAt: number;
  now: number;
  /** Source of randomness for jitter, in [0, 1); only read when the policy sets jitter. */
  random?: () => number;
}

export type NextAttempt = { retryAt: number } | { expire: true };

const minute = 60_000;
const hour = 60 * minute;

/** The wait after the given number of failed attempts, without jitter, in milliseconds. */
export function retryDelay(policy: RetryPolicy, attempts: number): number {
  const delays = policy.delaysMinutes;
  if (delays.length === 0) return 0;
  const index = Math.min(Math.max(Math.floor(attempts), 1), delays.length) - 1;
  return Math.max(0, delays[index]!) * minute;
}

/** The moment a delivery created at `createdAt` stops being retried. */
export function expiresAt(policy: RetryPolicy, createdAt: number): number {
  return createdAt + policy.maxAgeHours * hour;
}

/** When to try a failed delivery again, or that it has been failing too long and expires. */
export function nextAttempt(policy: RetryPolicy, state: RetryState): NextAttempt {
  const deadline = expiresAt(policy, state.createdAt);
  if (state.now >= deadline) return { expire: true };
  const jitter = Math.min(Math.max(policy.jitter ?? 0, 0), 1);
  const base = retryDelay(policy, state.attempts);
  const wait = jitter > 0 ? base * (1 + jitter * (state.random ?? Math.random)()) : base;
  return { retryAt: Math.min(state.now + Math.round(wait), deadline) };
}

export interface SlowdownPolicy {
  baseSeconds: number;
  maxSeconds: number;
}

export const defaultSlowdownPolicy: SlowdownPolicy = Object.freeze({ baseSeconds: 30, maxSeconds: 15 * 60 });

/**
 * How long to hold a delivery back after the relay asked us to slow down, in milliseconds: 30 s
 * after the first slow-down in a row, doubling with each further one, at most 15 minutes.
 */
export function slowdownDelay(
  consecutiveSlowdowns: number,
  policy: SlowdownPolicy = defaultSlowdownPolicy,
): number {
  const n = Math.max(Math.floor(consecutiveSlowdowns), 1);
  const seconds = Math.min(policy.baseSeconds * 2 ** Math.min(n - 1, 30), policy.maxSeconds);
  return seconds * 1000;
}
