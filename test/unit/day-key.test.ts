// "Today" in the org's time zone (R14) is asked for by every delivery, so the day last asked for per
// zone is remembered: the answer must still change exactly at each midnight of that zone, in either
// direction of time, and across a daylight-saving change.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayKey } from '../../src/domain/time-zone.js';
import { testClockStart } from '../helpers/clock.js';

const fresh = (at: number, zone: string) => DateTime.fromMillis(at, { zone }).toISODate();

describe('dayKey', () => {
  it('turns at midnight in the zone, forwards and backwards, as computed afresh', () => {
    const start = testClockStart();
    for (const zone of ['Asia/Tokyo', 'America/New_York', 'Europe/Berlin', 'UTC']) {
      const midnight = DateTime.fromMillis(start, { zone }).startOf('day').plus({ days: 1 }).toMillis();
      const times = [
        midnight - 1,
        midnight,
        midnight - 1,
        midnight + 3_600_000,
        start,
        midnight + 86_400_000,
      ];
      for (const at of times) expect(dayKey(at, zone)).toBe(fresh(at, zone));
      expect(dayKey(midnight - 1, zone)).not.toBe(dayKey(midnight, zone));
    }
  });

  it('holds across a daylight-saving change (a day of 23 or 25 hours)', () => {
    const zone = 'America/New_York';
    const year = DateTime.fromMillis(testClockStart(), { zone }).year + 1;
    for (const month of [3, 11]) {
      // Every hour of the month of the change, in order, then in reverse.
      const first = DateTime.fromObject({ year, month, day: 1 }, { zone }).toMillis();
      const hours = Array.from({ length: 31 * 24 }, (_, h) => first + h * 3_600_000);
      for (const at of [...hours, ...hours.reverse()]) expect(dayKey(at, zone)).toBe(fresh(at, zone));
    }
  });
});
