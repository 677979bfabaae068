/** Org settings as key → JSON value rows; the typed view and defaults live in `schemas/settings.ts`. */
import type { Kysely } from 'kysely';
import { defaultSettings, type Settings, settingsSchema } from '../../schemas/settings.js';
import type { Database } from '../schema.js';

/**
 * An org's settings over the defaults. `defaultTimeZone` is the operator's; stored values that no
 * longer fit the schema give the defaults rather than a broken view.
 */
export async function orgSettings(
  db: Kysely<Database>,
  defaultTimeZone: string,
  orgId: string,
): Promise<Settings> {
  const merged = { ...defaultSettings(defaultTimeZone), ...(await readSettings(db, orgId)) };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaultSettings(defaultTimeZone);
}

export async function readSettings(db: Kysely<Database>, orgId: string): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('org_id', '=', orgId).execute();
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
}

export async function writeSettings(
  db: Kysely<Database>,
  orgId: string,
  values: Record<string, unknown>,
  now: number,
): Promise<void> {
  for (const [key, v] of Object.entries(values)) {
    const value = JSON.stringify(v);
    await db
      .insertInto('settings')
      .values({ org_id: orgId, key, value, updated_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'key']).doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}
