/**
 * The sign-in throttle's rules (pure). Failures are counted per account (the email) and per client
 * address. Below its threshold a counter holds nobody back; from the threshold on, each failure makes
 * the account or address wait, 15 s at the threshold and twice as long with each further failure, at
 * most the configured maximum. Attempts while waiting are refused (429) without checking the
 * password, and are not counted, so waiting out the time always works.
 *
 * Lock-out: from an address the account signed in from within the last 30 days, only that
 * account-and-address pair's own counter (with the account threshold) holds it back, not the
 * account's nor the address's: failures from elsewhere, or from other users behind the same proxy
 * or NAT, cannot keep its user out. A successful sign-in clears the account's and the pair's
 * counters, not the address's (else one valid account would reset an attacker's address). A counter
 * whose last failure is a day old starts again from zero.
 */

export interface SigninPolicy {
  accountFailures: number;
  addressFailures: number;
  maxWaitMs: number;
}

export const FIRST_WAIT_MS = 15_000;
export const FORGET_AFTER_MS = 86_400_000;
export const KNOWN_ADDRESS_MS = 30 * 86_400_000;

/** How long to wait after the `failures`-th failure in a row, for a counter with this threshold. */
export function waitAfter(failures: number, threshold: number, maxWaitMs: number): number {
  if (failures < threshold) return 0;
  const doublings = Math.min(failures - threshold, 40);
  return Math.min(maxWaitMs, FIRST_WAIT_MS * 2 ** doublings);
}

/** Whether a counter last touched at `lastFailureAt` has been forgotten by `now`. */
export const forgotten = (lastFailureAt: number, now: number) => now - lastFailureAt >= FORGET_AFTER_MS;

/** Whole seconds until `until`, at least 1: the value of `Retry-After`. */
export const retryAfterSeconds = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));
