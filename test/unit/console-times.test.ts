/**
 * Times in the console (issue 20): shown in the org's zone with the zone named, and the message
 * log's date filter counts the org's days. Expected values by plain arithmetic on fixed offsets and
 * on the two DST changes of New York in 2026 (8 March, 1 November), not with a time-zone library.
 */
import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { dateTime, dayEndIso, dayStartIso, setTimeZone } from '../../web/src/components/format.js';

beforeAll(async () => {
  await i18n.init({ lng: 'en', resources: {} });
});

describe('console times in the org zone', () => {
  it('names the zone and shows its wall clock', () => {
    setTimeZone('Asia/Tokyo');
    expect(dateTime('2026-12-03T15:00:00.000Z')).toBe('4 Dec 2026, 00:00 (Asia/Tokyo)');
    setTimeZone('Asia/Kolkata');
    expect(dateTime('2026-12-03T15:00:00.000Z')).toBe('3 Dec 2026, 20:30 (Asia/Kolkata)');
    expect(dateTime(null)).toBe('—');
  });

  it('starts and ends the days of the date filter in the org zone', () => {
    setTimeZone('Asia/Tokyo');
    expect(dayStartIso('2026-12-04')).toBe('2026-12-03T15:00:00.000Z');
    expect(dayEndIso('2026-12-04')).toBe('2026-12-04T14:59:59.999Z');
    setTimeZone('Asia/Kolkata');
    expect(dayStartIso('2026-12-04')).toBe('2026-12-03T18:30:00.000Z');
    setTimeZone('UTC');
    expect([dayStartIso('2026-12-04'), dayEndIso('2026-12-04')]).toEqual([
      '2026-12-04T00:00:00.000Z',
      '2026-12-04T23:59:59.999Z',
    ]);
    setTimeZone('America/New_York');
    // 8 March 2026 starts in EST (UTC−5) and has 23 hours; 1 November starts in EDT (UTC−4), 25 hours.
    expect(dayStartIso('2026-03-08')).toBe('2026-03-08T05:00:00.000Z');
    expect(dayEndIso('2026-03-08')).toBe('2026-03-09T03:59:59.999Z');
    expect(dayStartIso('2026-11-01')).toBe('2026-11-01T04:00:00.000Z');
    expect(dayEndIso('2026-11-01')).toBe('2026-11-02T04:59:59.999Z');
  });
});
