/**
 * The settings page names each time zone in the console's language with its offset at the moment
 * shown (issue 20: ids were shown raw). The offsets are plain facts of the zones: Tokyo has no DST,
 * New York is GMT-5 in January and GMT-4 in July, Kolkata is GMT+5:30.
 */
import { describe, expect, it } from 'vitest';
import { nameAddsNothing, zoneLabel } from '../../web/src/components/zone-label.js';

const january = new Date(Date.UTC(2027, 0, 15, 12));
const july = new Date(Date.UTC(2027, 6, 15, 12));

describe('time-zone labels', () => {
  it('names the zone in Japanese and in English, after its id', () => {
    expect(zoneLabel('Asia/Tokyo', 'ja-JP', january)).toBe('Asia/Tokyo — 日本標準時 (GMT+9)');
    expect(zoneLabel('Asia/Tokyo', 'en-GB', january)).toBe('Asia/Tokyo — Japan Standard Time (GMT+9)');
  });

  it('gives the offset in force at the moment shown', () => {
    expect(zoneLabel('America/New_York', 'en-GB', january)).toMatch(/^America\/New_York — .+ \(GMT-5\)$/);
    expect(zoneLabel('America/New_York', 'en-GB', july)).toMatch(/^America\/New_York — .+ \(GMT-4\)$/);
    expect(zoneLabel('Asia/Kolkata', 'ja-JP', july)).toMatch(/^Asia\/Kolkata — .+ \(GMT\+5:30\)$/);
  });

  it('says the offset once where the language has no name for the zone, and falls back to the id', () => {
    expect(zoneLabel('Etc/GMT-3', 'ja-JP', july)).toBe('Etc/GMT-3 (GMT+3)');
    expect(zoneLabel('Not/AZone', 'ja-JP', july)).toBe('Not/AZone');
  });

  it('drops a name that only repeats the city of the id or the offset', () => {
    expect(nameAddsNothing('America/Punta_Arenas', 'Punta Arenas時間')).toBe(true);
    expect(nameAddsNothing('America/Inuvik', '米国山岳部時間（Inuvik）')).toBe(true);
    expect(nameAddsNothing('Etc/GMT-3', 'GMT+03:00')).toBe(true);
    expect(nameAddsNothing('America/Punta_Arenas', 'プンタアレナス時間')).toBe(false);
    expect(nameAddsNothing('Asia/Tokyo', 'Japan Standard Time')).toBe(false);
  });
});
