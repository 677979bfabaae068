/**
 * How the settings page names a time zone: the IANA id that the API stores, then the zone's name in
 * the console's language and its offset from UTC now, e.g. `Asia/Tokyo — 日本標準時 (GMT+9)`. The
 * id comes first so that typing in the list still finds a zone by its id. A zone the browser cannot
 * name is shown by its id alone.
 */

const part = (zone: string, locale: string, timeZoneName: 'longGeneric' | 'shortOffset', at: Date) =>
  new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;

/** A "name" that is only an offset from GMT or UTC, as Intl gives for zones it cannot name. */
const offsetOnly = /^(GMT|UTC)([+\-\u2212]\d{1,2}(:\d{2})?)?$/;

/**
 * Whether a zone's name tells nothing beside its id: only an offset, or the id's own city in Latin
 * letters (a browser without a translation writes "Punta Arenas時間" in Japanese).
 */
export function nameAddsNothing(zone: string, name: string): boolean {
  const city = (zone.split('/').at(-1) ?? zone).replace(/_/g, ' ');
  return offsetOnly.test(name) || name.includes(city);
}

export function zoneLabel(zone: string, locale: string, at: Date = new Date()): string {
  try {
    const name = part(zone, locale, 'longGeneric', at);
    const offset = part(zone, locale, 'shortOffset', at);
    if (!name || !offset) return zone;
    return nameAddsNothing(zone, name) ? `${zone} (${offset})` : `${zone} — ${name} (${offset})`;
  } catch {
    return zone;
  }
}
