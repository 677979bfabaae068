/**
 * The tests' clock, and the time window of everything in the tests that meets the outside world.
 *
 * The clock starts from the real time of the run, moved forward to the next 12:00 in Asia/Tokyo
 * (03:00 UTC, the default time zone of new orgs), so a test may move it by a few hours without
 * crossing the org's midnight by chance. `MAILROUTE_TEST_CLOCK_OFFSET_DAYS` moves the start further
 * (365: the whole suite a year ahead), to show the tests hold on any date.
 *
 * What the tests make for real time (certificates that Chromium or OpenSSL judge by the machine's
 * clock, while mailroute judges them by this one) covers both: `realWindow()` spans the real now
 * and the test clock's start with room on each side.
 */
import type { Clock } from '../../src/domain/clock.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** 03:00 UTC is 12:00 in Asia/Tokyo. */
const NOON_TOKYO_UTC_HOUR = 3;

export function testClockOffsetDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MAILROUTE_TEST_CLOCK_OFFSET_DAYS;
  if (raw === undefined || raw === '') return 0;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`MAILROUTE_TEST_CLOCK_OFFSET_DAYS must be a whole number of days ≥ 0, not ${raw}`);
  return days;
}

/** The first 12:00 Asia/Tokyo at or after `realNow` plus the offset. */
export function testClockStart(realNow = Date.now(), offsetDays = testClockOffsetDays()): number {
  const from = realNow + offsetDays * DAY_MS;
  const day = Math.floor(from / DAY_MS) * DAY_MS;
  const noon = day + NOON_TOKYO_UTC_HOUR * HOUR_MS;
  return noon >= from ? noon : noon + DAY_MS;
}

/** Started once per test process, so every clock of one test file starts at the same moment. */
const start = testClockStart();

export class TestClock implements Clock {
  constructor(public ms = start) {}
  now() {
    return this.ms;
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

/** The test clock's start: what a fresh TestClock reads. */
export function testNow(): number {
  return start;
}

/**
 * A validity window that holds for the machine's clock and for the test clock alike (tests move
 * the test clock forward by days at most): from two days before the earlier of the two to a year
 * after the later.
 */
export function realWindow(): { notBefore: Date; notAfter: Date } {
  const real = Date.now();
  return {
    notBefore: new Date(Math.min(real, start) - 2 * DAY_MS),
    notAfter: new Date(Math.max(real, start) + 365 * DAY_MS),
  };
}

/** A moment before both clocks, for certificates that must be expired for either of them. */
export function pastBoth(): Date {
  return new Date(Math.min(Date.now(), start) - DAY_MS);
}

/**
 * For a test clock still at 12:00 in Asia/Tokyo: the next midnight there (12 hours on), as the
 * API writes it, and today's date there, as the day counters key it. Plain arithmetic, so tests do
 * not check mailroute's time-zone code with itself.
 */
export function tokyoMidnightAfterNoon(noonMs: number): string {
  return new Date(noonMs + 12 * HOUR_MS).toISOString();
}

export function tokyoDayAtNoon(noonMs: number): string {
  return new Date(noonMs).toISOString().slice(0, 10);
}
