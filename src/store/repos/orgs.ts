/** Orgs (tenants) and the plans table kept in step with the configured plans. */
import type { Kysely } from 'kysely';
import type { Plan } from '../../domain/plans.js';
import type { Database, OrgsTable } from '../schema.js';

export type Org = OrgsTable;

export async function syncPlans(db: Kysely<Database>, plans: readonly Plan[], now: number): Promise<void> {
  for (const p of plans) {
    const row = {
      daily_limit: p.dailyLimit,
      max_domains: p.maxDomains,
      max_relays_per_domain: p.maxRelaysPerDomain,
      updated_at: now,
    };
    await db
      .insertInto('plans')
      .values({ name: p.name, ...row })
      .onConflict((oc) => oc.column('name').doUpdateSet(row))
      .execute();
  }
}

export function findOrgByName(db: Kysely<Database>, name: string): Promise<Org | undefined> {
  return db.selectFrom('orgs').selectAll().where('name', '=', name).executeTakeFirst();
}

export function findOrg(db: Kysely<Database>, id: string): Promise<Org | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function planOf(db: Kysely<Database>, orgId: string): Promise<Plan> {
  const row = await db
    .selectFrom('orgs')
    .innerJoin('plans', 'plans.name', 'orgs.plan')
    .select(['plans.name', 'plans.daily_limit', 'plans.max_domains', 'plans.max_relays_per_domain'])
    .where('orgs.id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    name: row.name,
    dailyLimit: row.daily_limit,
    maxDomains: row.max_domains,
    maxRelaysPerDomain: row.max_relays_per_domain,
  };
}

/**
 * `lockOrg` and `planOf` in one statement (one round trip on PostgreSQL, where the org row is
 * locked until commit), with whether the org is disabled: what an intake batch reads of each org.
 */
export async function lockedPlanOf(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  orgId: string,
): Promise<{ plan: Plan; disabled: boolean }> {
  const q = db
    .selectFrom('orgs')
    .innerJoin('plans', 'plans.name', 'orgs.plan')
    .select([
      'plans.name',
      'plans.daily_limit',
      'plans.max_domains',
      'plans.max_relays_per_domain',
      'orgs.disabled_at',
    ])
    .where('orgs.id', '=', orgId);
  const row = await (dialect === 'postgres' ? q.forUpdate('orgs') : q).executeTakeFirstOrThrow();
  return {
    plan: {
      name: row.name,
      dailyLimit: row.daily_limit,
      maxDomains: row.max_domains,
      maxRelaysPerDomain: row.max_relays_per_domain,
    },
    disabled: row.disabled_at !== null,
  };
}

/**
 * Serializes an org's limit checks inside a transaction: on PostgreSQL the org row is locked until
 * commit; SQLite runs one write transaction at a time already.
 */
export async function lockOrg(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  orgId: string,
): Promise<void> {
  if (dialect === 'postgres')
    await db.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().execute();
}
