/**
 * The destinations page (issue 21): the shaping rules in force with their state over all worker
 * processes, and resuming a paused or slowed destination now.
 *
 * Destinations are platform-wide: platform delivery's addresses and reputation are shared by every
 * org. So every signed-in user may read them (the rules and their state name no org, and the reply
 * that paused one has its addresses masked), but only a platform admin may resume one: an admin of
 * an org named in `MAILROUTE_PLATFORM_ADMIN_ORGS`. The resume is written to that org's audit log;
 * the operator can also resume with `mailroute shaping resume <id>`.
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../domain/errors.js';
import { halvingsAt, rateWith, recoverMinutesOf, type ShapingRule } from '../domain/shaping.js';
import { iso } from '../schemas/common.js';
import type { DestinationView } from '../schemas/destinations.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { readStates, resumeDestination } from '../store/repos/destination-states.js';
import { slotsInUse } from '../store/repos/limit-slots.js';

const connKey = (id: string) => `conn:dest:${id}`;
const rateKey = (id: string) => `rate:dest:${id}`;

/** Addresses in a reply belong to one org's recipient: masked for everyone else. */
const masked = (reply: string | null) => reply?.replace(/[^\s<>"']+@[^\s<>"']+/g, '…@…') ?? null;

export async function isPlatformAdmin(ctx: AppContext, p: Principal): Promise<boolean> {
  if (p.role !== 'admin' || ctx.config.platformAdminOrgs.length === 0) return false;
  const org = await ctx.store.db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where('id', '=', p.orgId)
    .executeTakeFirst();
  return !!org && ctx.config.platformAdminOrgs.some((x) => x === org.id || x === org.name);
}

function view(
  rule: ShapingRule,
  state: Awaited<ReturnType<typeof readStates>> extends Map<string, infer S> ? S | undefined : never,
  connections: number,
  sent: number,
  now: number,
): DestinationView {
  const halvings = state
    ? halvingsAt({ halvings: state.halvings, at: state.halved_at }, recoverMinutesOf(rule), now)
    : 0;
  const paused = state?.paused_until && state.paused_until > now ? state.paused_until : null;
  return {
    id: rule.id,
    domains: [...rule.domains],
    mxSuffixes: [...rule.mxSuffixes],
    maxConnections: rule.maxConnections,
    messagesPerConnection: rule.messagesPerConnection,
    ratePerMinute: rule.ratePerMinute,
    currentRatePerMinute: rateWith(rule.ratePerMinute, halvings),
    connectionsInUse: connections,
    sentLastMinute: sent,
    pausedUntil: iso(paused),
    pausedBy: paused || halvings > 0 ? masked(state?.paused_reply ?? null) : null,
    pushback: rule.pushback.map((p) => ({
      reply: p.reply ?? null,
      classifiedAs: p.classifiedAs ?? null,
      action: p.action.kind,
      minutes: p.action.kind === 'pause' ? p.action.minutes : p.action.recoverMinutes,
    })),
  };
}

export async function listDestinations(ctx: AppContext): Promise<DestinationView[]> {
  const rules = ctx.config.shaping;
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const [states, connections, sent] = await Promise.all([
    readStates(db),
    // Connection leases are in real time; rate slots in the queue's time.
    slotsInUse(
      db,
      rules.map((r) => connKey(r.id)),
      Date.now(),
    ),
    slotsInUse(
      db,
      rules.map((r) => rateKey(r.id)),
      now,
    ),
  ]);
  return rules.map((r) =>
    view(r, states.get(r.id), connections.get(connKey(r.id)) ?? 0, sent.get(rateKey(r.id)) ?? 0, now),
  );
}

/** Ends a destination's pause and rate halvings now (platform admins; audit-logged in their org). */
export async function resumeNow(
  ctx: AppContext,
  actor: Principal | 'operator',
  id: string,
): Promise<DestinationView> {
  const rule = ctx.config.shaping.find((r) => r.id === id);
  if (!rule) throw notFound(`destination "${id}"`);
  if (actor !== 'operator' && !(await isPlatformAdmin(ctx, actor)))
    throw new AppError('forbidden', 'only a platform admin may resume a destination');
  const now = ctx.clock.now();
  const before = (await listDestinations(ctx)).find((d) => d.id === id)!;
  await resumeDestination(ctx.store.db, id, now);
  const after = (await listDestinations(ctx)).find((d) => d.id === id)!;
  if (actor !== 'operator')
    await writeAudit(ctx.store.db, {
      orgId: actor.orgId,
      actor,
      action: 'destination.resume',
      targetType: 'destination',
      targetId: id,
      before: { pausedUntil: before.pausedUntil, currentRatePerMinute: before.currentRatePerMinute },
      after: { pausedUntil: after.pausedUntil, currentRatePerMinute: after.currentRatePerMinute },
      at: now,
    });
  ctx.log.info({ event: 'destination.resumed', destination: id }, 'destination resumed');
  return after;
}
