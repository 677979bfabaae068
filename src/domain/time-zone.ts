/**
 * Time zones and the org's calendar day. "Today" for caps, the plan limit and suspensions is the
 * calendar day in the org's IANA time zone (SPEC R14); luxon makes the boundaries DST-correct.
 */
import { DateTime, IANAZone } from 'luxon';

// luxon checks a zone by building an Intl formatter each time; the answer for a name never changes.
const checked = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  let valid = checked.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (checked.size < 1000) checked.set(zone, valid);
  }
  return valid;
}

/** The last day asked for per zone, with its bounds: every delivery asks, and the day rarely changes. */
const lastDay = new Map<string, { start: number; end: number; key: string }>();

/** The org's calendar day containing `at` (epoch ms), as `YYYY-MM-DD`. */
export function dayKey(at: number, zone: string): string {
  const hit = lastDay.get(zone);
  if (hit && at >= hit.start && at < hit.end) return hit.key;
  const t = DateTime.fromMillis(at, { zone });
  const key = t.toISODate()!;
  const start = t.startOf('day');
  if (start.isValid) {
    if (lastDay.size >= 1000) lastDay.clear();
    lastDay.set(zone, { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis(), key });
  }
  return key;
}

/** Epoch ms of the start of the next calendar day after `at` in `zone`. */
export function nextMidnight(at: number, zone: string): number {
  return DateTime.fromMillis(at, { zone }).startOf('day').plus({ days: 1 }).toMillis();
}

/** Epoch ms of the start of the calendar day containing `at` in `zone`. */
export function dayStart(at: number, zone: string): number {
  return DateTime.fromMillis(at, { zone }).startOf('day').toMillis();
}

/**
 * `at` (epoch ms) as a wall-clock time in `zone`, with the zone named, for people to read (emails
 * to admins): `2026-12-04 00:00 (Asia/Tokyo)`.
 */
export function localTime(at: number, zone: string): string {
  return `${DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM-dd HH:mm')} (${zone})`;
}
