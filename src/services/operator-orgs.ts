/**
 * The operator's view of the tenants (`mailroute org …`): list them with their counts, change an
 * org's plan (one of the configured plans), disable and enable an org. Each change is written to
 * the org's audit log as the `system` actor, in the transaction that makes it.
 *
 * Disabling holds an org, it does not delete anything: its keys and sessions are refused at once
 * (`org-access.ts`), claims skip its queued and deferred deliveries (`queue/claim.ts`), which go out
 * after `org enable`. A delivery a worker had already claimed when the org was disabled finishes.
 */
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../domain/errors.js';
import { isWaiting } from '../queue/claim.js';
import { iso } from '../schemas/common.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { type Org, syncPlans } from '../store/repos/orgs.js';
import type { Database } from '../store/schema.js';

/** An org by id (`org_…`) or by name. */
export async function resolveOrg(db: Kysely<Database>, ref: string): Promise<Org> {
  const org = await db
    .selectFrom('orgs')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .executeTakeFirst();
  if (!org) throw notFound(`org "${ref}"`);
  return org;
}

export interface OrgSummary {
  id: string;
  name: string;
  plan: string;
  datacenter: string;
  disabled: boolean;
  disabledAt: string | null;
  createdAt: string;
  users: number;
  apiKeys: number;
  domains: number;
  relays: number;
  /** Deliveries waiting in the queue (queued or deferred). */
  queued: number;
}

type Counted = 'users' | 'api_keys' | 'domains' | 'relays' | 'deliveries';

async function countsBy(db: Kysely<Database>, table: Counted): Promise<Map<string, number>> {
  let q = db
    .selectFrom(table)
    .select(['org_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('org_id');
  if (table === 'api_keys') q = q.where('revoked_at', 'is', null);
  if (table === 'deliveries') q = q.where(isWaiting);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.org_id, Number(r.n)]));
}

export async function listOrgs(ctx: AppContext): Promise<OrgSummary[]> {
  const { db } = ctx.store;
  const orgs = await db.selectFrom('orgs').selectAll().orderBy('name').execute();
  const [users, keys, domains, relays, queued] = await Promise.all(
    (['users', 'api_keys', 'domains', 'relays', 'deliveries'] as const).map((t) => countsBy(db, t)),
  );
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    plan: o.plan,
    datacenter: o.datacenter,
    disabled: o.disabled_at !== null,
    disabledAt: iso(o.disabled_at),
    createdAt: iso(o.created_at)!,
    users: users!.get(o.id) ?? 0,
    apiKeys: keys!.get(o.id) ?? 0,
    domains: domains!.get(o.id) ?? 0,
    relays: relays!.get(o.id) ?? 0,
    queued: queued!.get(o.id) ?? 0,
  }));
}

/** Moves the org to another configured plan; its new limits apply from the next check. */
export async function changePlan(ctx: AppContext, ref: string, plan: string): Promise<Org> {
  const { config } = ctx;
  if (!config.plans.some((p) => p.name === plan)) {
    throw new AppError(
      'validation_failed',
      `unknown plan "${plan}"; plans: ${config.plans.map((p) => p.name).join(', ')}`,
      { plan: 'unknown plan' },
    );
  }
  const now = ctx.clock.now();
  // The plans table follows the plans file (as at start-up), so the new plan's limits are there.
  await syncPlans(ctx.store.db, config.plans, now);
  return ctx.store.db.transaction().execute(async (trx) => {
    const org = await resolveOrg(trx, ref);
    if (org.plan === plan) return org;
    await trx.updateTable('orgs').set({ plan }).where('id', '=', org.id).execute();
    await writeAudit(trx, {
      orgId: org.id,
      actor: 'system',
      action: 'org.plan',
      targetType: 'org',
      targetId: org.id,
      before: { plan: org.plan },
      after: { plan },
      at: now,
    });
    return { ...org, plan };
  });
}

/** Disables (`disabled` true) or enables the org; doing what is already so changes nothing. */
export async function setOrgDisabled(ctx: AppContext, ref: string, disabled: boolean): Promise<Org> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const org = await resolveOrg(trx, ref);
    if ((org.disabled_at !== null) === disabled) return org;
    const disabledAt = disabled ? now : null;
    await trx.updateTable('orgs').set({ disabled_at: disabledAt }).where('id', '=', org.id).execute();
    await writeAudit(trx, {
      orgId: org.id,
      actor: 'system',
      action: disabled ? 'org.disable' : 'org.enable',
      targetType: 'org',
      targetId: org.id,
      before: { disabledAt: iso(org.disabled_at) },
      after: { disabledAt: iso(disabledAt) },
      at: now,
    });
    return { ...org, disabled_at: disabledAt };
  });
}
