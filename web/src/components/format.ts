/**
 * Dates and numbers in the console's language. Every time is shown in the org's time zone (the
 * session's, `setTimeZone`), with the zone named: `2026/12/04 0:00 (Asia/Tokyo)`.
 */
import i18n from 'i18next';

/** The locale dates, numbers and zone names are written in, for the console's language. */
export const localeOf = (language: string) => (language === 'ja' ? 'ja-JP' : 'en-GB');
const locale = () => localeOf(i18n.language);

/** Before the session names the org's zone (or if the browser does not know it), the browser's own. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
let orgZone: string | undefined;

/** Sets the zone times are shown in: the org's, from the session. */
export function setTimeZone(zone: string | undefined): void {
  orgZone = zone;
}

/** The IANA name of the zone times are shown in. */
export function timeZone(): string {
  return orgZone ?? browserZone();
}

function format(iso: string, options: Intl.DateTimeFormatOptions): string {
  const d = new Date(iso);
  try {
    return d.toLocaleString(locale(), { ...options, timeZone: timeZone() });
  } catch {
    return d.toLocaleString(locale(), { ...options, timeZone: browserZone() });
  }
}

/** A date and time, with the zone named. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${format(iso, { dateStyle: 'medium', timeStyle: 'short' })} (${timeZone()})`;
}

/** Hours and minutes in the org's zone, for chart axes (their title names the zone). */
export function hourMinute(iso: string): string {
  return format(iso, { hour: '2-digit', minute: '2-digit' });
}

/** Month and day in the org's zone, for chart axes. */
export function monthDay(iso: string): string {
  return format(iso, { month: 'numeric', day: 'numeric' });
}

/** How far the shown zone's wall clock is ahead of UTC at `ms`, in ms. */
function zoneOffset(ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone(),
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The moment a calendar day (`YYYY-MM-DD`) starts in the shown zone, as ISO 8601 (date filters). */
export function dayStartIso(day: string): string {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  let at = midnightUtc - zoneOffset(midnightUtc);
  at = midnightUtc - zoneOffset(at);
  return new Date(at).toISOString();
}

/** The last millisecond of a calendar day in the shown zone, as ISO 8601. */
export function dayEndIso(day: string): string {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return new Date(Date.parse(dayStartIso(next)) - 1).toISOString();
}

export function number(n: number): string {
  return n.toLocaleString(locale());
}
