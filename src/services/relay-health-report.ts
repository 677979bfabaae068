/**
 * `GET /api/v1/relays/:id/health` (issue 19): a relay's attempts over the last 24 hours and 7 days,
 * read from the attempts the engine records (index `attempts_relay_at`), its suspensions from the
 * `relay.suspended` events and the admins' resumes in the audit log. Each window costs a handful of
 * indexed queries; a relay's daily cap bounds the rows a percentile sorts.
 */
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../context.js';
import {
  acceptanceRate,
  coveredMs,
  failedActions,
  type HealthWindow,
  healthWindows,
  percentileRank,
  suspensionIntervals,
} from '../domain/relay-health.js';
import { relayStatus } from '../domain/relay-rules.js';
import { nextMidnight } from '../domain/time-zone.js';
import { iso } from '../schemas/common.js';
import type { RelayHealth } from '../schemas/relay-health.js';
import { relaySuspensionsSince } from '../store/repos/relay-suspensions.js';
import { loadRelay } from '../store/repos/relays.js';
import { orgSettings } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function counts(db: Kysely<Database>, relayId: string, since: number) {
  const r = await db
    .selectFrom('attempts')
    .select((eb) => [
      eb.fn.countAll<number>().as('attempts'),
      eb.fn.sum<number>(eb.case().when('action', '=', 'sent').then(1).else(0).end()).as('sent'),
      eb.fn.sum<number>(eb.case().when('action', 'in', failedActions).then(1).else(0).end()).as('failed'),
    ])
    .where('relay_id', '=', relayId)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return { attempts: Number(r.attempts), sent: Number(r.sent ?? 0), failed: Number(r.failed ?? 0) };
}

async function durationAt(db: Kysely<Database>, relayId: string, since: number, rank: number) {
  const r = await db
    .selectFrom('attempts')
    .select('duration_ms')
    .where('relay_id', '=', relayId)
    .where('at', '>=', since)
    .orderBy('duration_ms')
    .limit(1)
    .offset(rank)
    .executeTakeFirst();
  return r ? Number(r.duration_ms) : null;
}

async function buckets(db: Kysely<Database>, relayId: string, since: number, size: number, n: number) {
  // Literals, not parameters: PostgreSQL matches the GROUP BY to the selected expression by its text.
  const index = sql<number>`(${sql.ref('at')} - ${sql.lit(Math.trunc(since))}) / ${sql.lit(Math.trunc(size))}`;
  const rows = await db
    .selectFrom('attempts')
    .select((eb) => [
      index.as('bucket'),
      eb.fn.sum<number>(eb.case().when('action', '=', 'sent').then(1).else(0).end()).as('sent'),
      eb.fn.sum<number>(eb.case().when('action', 'in', failedActions).then(1).else(0).end()).as('failed'),
    ])
    .where('relay_id', '=', relayId)
    .where('at', '>=', since)
    .groupBy(index)
    .execute();
  const out = Array.from({ length: n }, (_, i) => ({ start: iso(since + i * size)!, sent: 0, failed: 0 }));
  for (const r of rows) {
    const b = out[Math.min(n - 1, Math.floor(Number(r.bucket)))];
    if (!b) continue;
    b.sent += Number(r.sent ?? 0);
    b.failed += Number(r.failed ?? 0);
  }
  return out;
}

async function suspensions(db: Kysely<Database>, orgId: string, relayId: string, since: number) {
  const started = (await relaySuspensionsSince(db, orgId, since - DAY)).filter(
    (s) => s.relayId === relayId && Number.isFinite(s.until),
  );
  const resumes = await db
    .selectFrom('audit_log')
    .select('at')
    .where('org_id', '=', orgId)
    .where('action', '=', 'relay.resume')
    .where('target_id', '=', relayId)
    .where('at', '>=', since - DAY)
    .execute();
  return suspensionIntervals(
    started,
    resumes.map((r) => Number(r.at)),
  );
}

export async function relayHealth(ctx: AppContext, orgId: string, relayId: string): Promise<RelayHealth> {
  const db = ctx.store.db;
  const relay = await loadRelay(db, orgId, relayId);
  const now = ctx.clock.now();
  const { timeZone } = await orgSettings(db, ctx.config.timeZone, orgId);
  const suspended = await suspensions(db, orgId, relayId, now - healthWindows['7d']);
  const window = async (w: HealthWindow) => {
    const since = now - healthWindows[w];
    const c = await counts(db, relayId, since);
    return {
      ...c,
      acceptanceRate: acceptanceRate(c.sent, c.attempts),
      p50Ms: c.attempts ? await durationAt(db, relayId, since, percentileRank(c.attempts, 0.5)) : null,
      p99Ms: c.attempts ? await durationAt(db, relayId, since, percentileRank(c.attempts, 0.99)) : null,
      suspendedMs: coveredMs(suspended, since, now),
    };
  };
  const lastError = await db
    .selectFrom('attempts')
    .select(['at', 'action', 'status', 'reply', 'rule_id'])
    .where('relay_id', '=', relayId)
    .where('action', 'in', failedActions)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const today = await counts(db, relayId, nextMidnight(now - DAY, timeZone));
  return {
    relayId: relay.id,
    name: relay.name,
    status: relayStatus({ enabled: relay.enabled === 1, suspendedUntil: relay.suspended_until }, now),
    suspendedUntil: relay.suspended_until && relay.suspended_until > now ? iso(relay.suspended_until) : null,
    failuresToday: today.failed,
    lastError: lastError
      ? {
          at: iso(lastError.at)!,
          action: lastError.action,
          status: lastError.status,
          reply: lastError.reply,
          ruleId: lastError.rule_id,
        }
      : null,
    windows: { '24h': await window('24h'), '7d': await window('7d') },
    hourly: await buckets(db, relayId, now - DAY, HOUR, 24),
    daily: await buckets(db, relayId, now - 7 * DAY, DAY, 7),
  };
}
