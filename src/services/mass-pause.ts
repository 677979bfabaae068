/**
 * The complaint-rate guard as admins see it (issue 17): today's rate with the reports, and resuming
 * mass email that the guard paused (`bounces/complaint-guard.ts`). Resuming is audited and wakes
 * the org's held mass deliveries at once.
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { complaintRate, PAUSE_RATE, WARN_RATE } from '../domain/complaint-rate.js';
import { AppError } from '../domain/errors.js';
import { dayKey, dayStart } from '../domain/time-zone.js';
import { iso } from '../schemas/common.js';
import type { ComplaintRateView } from '../schemas/complaint-rate.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { complaintDay } from '../store/repos/complaint-rate.js';
import { orgSettings } from '../store/repos/settings.js';

export async function complaintReport(ctx: AppContext, orgId: string): Promise<ComplaintRateView> {
  const { db } = ctx.store;
  const now = ctx.clock.now();
  const { timeZone } = await orgSettings(db, ctx.config.timeZone, orgId);
  const [counts, pause] = await Promise.all([
    complaintDay(db, orgId, dayStart(now, timeZone), now + 1),
    db.selectFrom('mass_pauses').selectAll().where('org_id', '=', orgId).executeTakeFirst(),
  ]);
  return {
    day: dayKey(now, timeZone),
    ...counts,
    rate: complaintRate(counts),
    warnRate: WARN_RATE,
    pauseRate: PAUSE_RATE,
    minDelivered: ctx.config.complaintMinDelivered,
    paused: pause
      ? {
          day: pause.day,
          complaints: pause.complaints,
          delivered: pause.delivered,
          pausedAt: iso(pause.paused_at)!,
        }
      : null,
  };
}

export async function resumeMassEmail(ctx: AppContext, actor: Principal): Promise<ComplaintRateView> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const pause = await trx
      .selectFrom('mass_pauses')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!pause) throw new AppError('conflict', 'mass email is not paused');
    await trx.deleteFrom('mass_pauses').where('org_id', '=', actor.orgId).execute();
    await trx
      .updateTable('deliveries')
      .set({ next_attempt_at: now })
      .where('org_id', '=', actor.orgId)
      .where('type', '=', 'mass')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '>', now)
      .execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'mass_email.resume',
      targetType: 'org',
      targetId: actor.orgId,
      before: { day: pause.day, complaints: pause.complaints, delivered: pause.delivered },
      at: now,
    });
  });
  ctx.events.orgChanged(actor.orgId);
  ctx.events.queued();
  return complaintReport(ctx, actor.orgId);
}
