/**
 * Usage per day in the org's time zone (SPEC §3 `/api/v1/usage`): the plan's count of everything
 * accepted, what went through each relay and through platform delivery, and bounces.
 */
import { DateTime } from 'luxon';
import type { AppContext } from '../context.js';
import { getSettings } from './settings.js';

export interface UsageDay {
  day: string;
  plan: number;
  platform: number;
  relays: { relayId: string; name: string; count: number }[];
  bounced: number;
}

export async function usage(
  ctx: AppContext,
  orgId: string,
  days: number,
): Promise<{ timeZone: string; dailyLimit: number; days: UsageDay[] }> {
  const { db } = ctx.store;
  const { timeZone } = await getSettings(ctx, orgId);
  const today = DateTime.fromMillis(ctx.clock.now(), { zone: timeZone }).startOf('day');
  const keys = Array.from({ length: days }, (_, i) => today.minus({ days: days - 1 - i }));
  const dayNames = keys.map((k) => k.toISODate()!);
  const counters = await db
    .selectFrom('usage_counters')
    .select(['day', 'scope', 'count'])
    .where('org_id', '=', orgId)
    .where('day', 'in', dayNames)
    .execute();
  const relays = await db.selectFrom('relays').select(['id', 'name']).where('org_id', '=', orgId).execute();
  const names = new Map(relays.map((r) => [r.id, r.name]));
  const plan = await db
    .selectFrom('orgs')
    .innerJoin('plans', 'plans.name', 'orgs.plan')
    .select('plans.daily_limit')
    .where('orgs.id', '=', orgId)
    .executeTakeFirstOrThrow();
  const out: UsageDay[] = [];
  for (const k of keys) {
    const day = k.toISODate()!;
    const here = counters.filter((c) => c.day === day);
    const bounced = await db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('status', '=', 'bounced')
      .where('updated_at', '>=', k.toMillis())
      .where('updated_at', '<', k.plus({ days: 1 }).toMillis())
      .executeTakeFirstOrThrow();
    out.push({
      day,
      plan: Number(here.find((c) => c.scope === 'plan')?.count ?? 0),
      platform: Number(here.find((c) => c.scope === 'platform')?.count ?? 0),
      relays: here
        .filter((c) => c.scope !== 'plan' && c.scope !== 'platform')
        .map((c) => ({ relayId: c.scope, name: names.get(c.scope) ?? c.scope, count: Number(c.count) })),
      bounced: Number(bounced.n),
    });
  }
  return { timeZone, dailyLimit: plan.daily_limit, days: out };
}
