/**
 * Dates and numbers in the console's language. Every time is shown in the org's time zone (the
 * session's, `setTimeZone`), with the zone named: `2026/12/04 0:00 (Asia/Tokyo)`.
 */
import i18n from 'i18next';

const locale = () => (i18n.language === 'ja' ? 'ja-JP' : 'en-GB');

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

export function number(n: number): string {
  return n.toLocaleString(locale());
}
