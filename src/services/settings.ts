/** Reading and changing an org's settings; every change is audited with its before and after. */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { Settings } from '../schemas/settings.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { orgSettings, writeSettings } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';

export async function getSettings(
  ctx: AppContext,
  orgId: string,
  db: Kysely<Database> = ctx.store.db,
): Promise<Settings> {
  return orgSettings(db, ctx.config.timeZone, orgId);
}

export async function updateSettings(
  ctx: AppContext,
  actor: Principal,
  patch: Partial<Settings>,
): Promise<Settings> {
  const before = await getSettings(ctx, actor.orgId);
  const now = ctx.clock.now();
  const changed = Object.fromEntries(
    Object.entries(patch).filter(
      // Values compare as JSON: a retry schedule is an object, equal when its content is.
      ([k, v]) => v !== undefined && JSON.stringify(before[k as keyof Settings]) !== JSON.stringify(v),
    ),
  );
  if (Object.keys(changed).length === 0) return before;
  await ctx.store.db.transaction().execute(async (trx) => {
    await writeSettings(trx, actor.orgId, changed, now);
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'settings.update',
      targetType: 'settings',
      targetId: actor.orgId,
      before,
      after: { ...before, ...changed },
      at: now,
    });
  });
  ctx.events.orgChanged(actor.orgId);
  return { ...before, ...changed } as Settings;
}
