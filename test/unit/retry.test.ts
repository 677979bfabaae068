import { describe, expect, it } from 'vitest';
import {
  defaultRetryPolicy,
  defaultSlowdownPolicy,
  expiresAt,
  nextAttempt,
  type RetryPolicy,
  retryDelay,
  slowdownDelay,
} from '../../src/domain/retry.js';

const minute = 60_000;
const hour = 60 * minute;
const created = Date.UTC(2025, 0, 6, 9, 0, 0);

describe('the default retry schedule (SPEC R16)', () => {
  it('waits 1, 5, 15, 60 and 240 minutes, then 240 again', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelay(defaultRetryPolicy, n) / minute)).toEqual([
      1, 5, 15, 60, 240, 240, 240, 240,
    ]);
  });

  it.each([
    ['after the first failed attempt, one minute later', 1, created, created + minute],
    ['after the third, 15 minutes later', 3, created + 6 * minute, created + 21 * minute],
    ['after the fifth, 4 hours later', 5, created + 2 * hour, created + 6 * hour],
    ['after the twentieth, still 4 hours later', 20, created + 40 * hour, created + 44 * hour],
  ])('retries %s', (_name, attempts, now, retryAt) => {
    expect(nextAttempt(defaultRetryPolicy, { attempts, createdAt: created, now })).toEqual({ retryAt });
  });

  it('moves a retry that would fall after 72 hours to the 72-hour mark, for one last try', () => {
    const now = created + 70 * hour;
    expect(nextAttempt(defaultRetryPolicy, { attempts: 22, createdAt: created, now })).toEqual({
      retryAt: created + 72 * hour,
    });
  });

  it('expires a delivery that fails at the 72-hour mark', () => {
    expect(
      nextAttempt(defaultRetryPolicy, { attempts: 23, createdAt: created, now: created + 72 * hour }),
    ).toEqual({
      expire: true,
    });
  });

  it('expires a delivery that fails after the 72-hour mark, whatever its attempt count', () => {
    expect(
      nextAttempt(defaultRetryPolicy, { attempts: 1, createdAt: created, now: created + 80 * hour }),
    ).toEqual({
      expire: true,
    });
  });

  it('still retries one millisecond before the 72-hour mark, at the mark', () => {
    const now = created + 72 * hour - 1;
    expect(nextAttempt(defaultRetryPolicy, { attempts: 3, createdAt: created, now })).toEqual({
      retryAt: created + 72 * hour,
    });
  });

  it('simulated from the first failure, gives up after 72 hours with the whole schedule used', () => {
    const times: number[] = [];
    let now = created;
    for (let attempts = 1; ; attempts++) {
      const next = nextAttempt(defaultRetryPolicy, { attempts, createdAt: created, now });
      if ('expire' in next) break;
      expect(next.retryAt).toBeGreaterThan(now);
      times.push(next.retryAt);
      now = next.retryAt;
    }
    expect(times.slice(0, 5).map((t) => (t - created) / minute)).toEqual([1, 6, 21, 81, 321]);
    expect(times.at(-1)).toBe(created + 72 * hour);
    expect(times).toHaveLength(5 + Math.ceil((72 * 60 - 321) / 240));
  });

  it('is frozen, so no caller can change it for everyone', () => {
    expect(Object.isFrozen(defaultRetryPolicy)).toBe(true);
    expect(Object.isFrozen(defaultRetryPolicy.delaysMinutes)).toBe(true);
    expect(expiresAt(defaultRetryPolicy, created)).toBe(created + 72 * hour);
  });
});

describe('a configured retry policy', () => {
  const policy: RetryPolicy = { delaysMinutes: [10, 30], maxAgeHours: 2 };

  it('repeats its last delay and stops at its own maximum age', () => {
    expect(nextAttempt(policy, { attempts: 1, createdAt: created, now: created })).toEqual({
      retryAt: created + 10 * minute,
    });
    expect(nextAttempt(policy, { attempts: 4, createdAt: created, now: created + 70 * minute })).toEqual({
      retryAt: created + 100 * minute,
    });
    expect(nextAttempt(policy, { attempts: 5, createdAt: created, now: created + 100 * minute })).toEqual({
      retryAt: created + 2 * hour,
    });
    expect(nextAttempt(policy, { attempts: 6, createdAt: created, now: created + 2 * hour })).toEqual({
      expire: true,
    });
  });

  it('reads attempts below one as the first attempt', () => {
    expect(retryDelay(policy, 0)).toBe(10 * minute);
  });

  it('adds no jitter unless the policy asks for it', () => {
    const never = () => {
      throw new Error('random must not be read');
    };
    expect(nextAttempt(policy, { attempts: 1, createdAt: created, now: created, random: never })).toEqual({
      retryAt: created + 10 * minute,
    });
  });

  it('spreads the wait by up to the jitter fraction, never past the maximum age', () => {
    const jittery: RetryPolicy = { ...policy, jitter: 0.2 };
    const at = (r: number, now = created) =>
      nextAttempt(jittery, { attempts: 1, createdAt: created, now, random: () => r });
    expect(at(0)).toEqual({ retryAt: created + 10 * minute });
    expect(at(0.5)).toEqual({ retryAt: created + 11 * minute });
    expect(at(0.999)).toEqual({ retryAt: created + Math.round(10 * minute * 1.1998) });
    expect(at(0.999, created + 2 * hour - minute)).toEqual({ retryAt: created + 2 * hour });
  });
});

describe('slowdownDelay (SPEC R9b)', () => {
  it.each([
    [1, 30],
    [2, 60],
    [3, 120],
    [4, 240],
    [5, 480],
    [6, 900],
    [7, 900],
    [100, 900],
  ])('holds a delivery back after %i slow-down(s) in a row for %i seconds', (n, seconds) => {
    expect(slowdownDelay(n)).toBe(seconds * 1000);
  });

  it('treats zero or fewer as the first slow-down', () => {
    expect(slowdownDelay(0)).toBe(30_000);
    expect(slowdownDelay(-3)).toBe(30_000);
  });

  it('takes another policy', () => {
    expect(slowdownDelay(3, { baseSeconds: 10, maxSeconds: 30 })).toBe(30_000);
    expect(defaultSlowdownPolicy).toEqual({ baseSeconds: 30, maxSeconds: 900 });
  });
});
