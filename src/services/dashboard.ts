/**
 * Today at a glance (issue 20): the plan's use against its daily limit, each relay against its cap,
 * fallbacks by reason, bounce and complaint rates, and the newest notifications, in one call. The
 * day is the org's, in its time zone, as for caps and the plan limit (`domain/time-zone.ts`).
 */
import type { AppContext } from '../context.js';
import { type FallbackReason, fallbackReason } from '../domain/fallbacks.js';
import type { RouteReasons } from '../domain/route-reasons.js';
import { dayKey, dayStart, nextMidnight } from '../domain/time-zone.js';
import { iso } from '../schemas/common.js';
import type { DashboardView } from '../schemas/dashboard.js';
import { bounceCounts, latestNotifications, platformSentReasons } from '../store/repos/dashboard.js';
import { planOf } from '../store/repos/orgs.js';
import { usageOn } from '../store/repos/usage.js';
import { complaintReport } from './mass-pause.js';
import { listRelays } from './relays.js';
import { getSettings } from './settings.js';

const NOTIFICATIONS = 5;

/** Counts each fallback reason, most frequent first (ties in the order of the codes' list). */
export function countFallbacks(reasons: readonly (string | null)[]): DashboardView['fallbacks'] {
  const counts = new Map<FallbackReason, number>();
  for (const json of reasons) {
    const reason = fallbackReason(json ? (JSON.parse(json) as RouteReasons) : null);
    if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const byReason = [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count);
  return { total: byReason.reduce((n, r) => n + r.count, 0), byReason };
}

export async function dashboard(ctx: AppContext, orgId: string): Promise<DashboardView> {
  const { db } = ctx.store;
  const now = ctx.clock.now();
  const { timeZone } = await getSettings(ctx, orgId);
  const day = dayKey(now, timeZone);
  const from = dayStart(now, timeZone);
  const until = nextMidnight(now, timeZone);
  const [plan, usage, relays, fallbacks, bounces, complaints, notifications] = await Promise.all([
    planOf(db, orgId),
    usageOn(db, orgId, day),
    listRelays(ctx, orgId),
    platformSentReasons(db, orgId, from, until),
    bounceCounts(db, orgId, from, until),
    complaintReport(ctx, orgId),
    latestNotifications(db, orgId, NOTIFICATIONS),
  ]);
  const handedOver = bounces.sent + bounces.refusedUnsent;
  return {
    day,
    timeZone,
    plan: { name: plan.name, used: usage.get('plan') ?? 0, limit: plan.dailyLimit },
    relays,
    fallbacks: countFallbacks(fallbacks),
    bounces: {
      sent: bounces.sent,
      bounced: bounces.bounced,
      hard: bounces.hard,
      soft: bounces.soft,
      rate: handedOver === 0 ? null : bounces.bounced / handedOver,
    },
    complaints,
    notifications: notifications.map((n) => ({
      id: n.id,
      kind: n.kind,
      data: JSON.parse(n.data),
      createdAt: iso(n.created_at)!,
      read: n.read_at !== null,
    })),
  };
}
