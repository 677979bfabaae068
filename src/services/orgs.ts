/**
 * Orgs and first start: org `default`, the bootstrap admin key and user (SPEC §3). Tenants are the
 * operator's to create (`mailroute org create`); everything else happens inside one org.
 */
import { hashPassword } from '../auth/passwords.js';
import { hashToken, tokenPrefix } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { defaultSettings } from '../schemas/settings.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { findOrgByName, type Org, syncPlans } from '../store/repos/orgs.js';
import { writeSettings } from '../store/repos/settings.js';

export interface NewOrg {
  name: string;
  plan?: string;
  datacenter?: string;
  timeZone?: string;
}

export async function createOrg(ctx: AppContext, input: NewOrg): Promise<Org> {
  const { config, clock } = ctx;
  const plan = input.plan ?? config.defaultPlan;
  if (!config.plans.some((p) => p.name === plan)) {
    throw new AppError(
      'validation_failed',
      `unknown plan "${plan}"; plans: ${config.plans.map((p) => p.name).join(', ')}`,
      { plan: 'unknown plan' },
    );
  }
  const datacenter = input.datacenter ?? config.dataCenters[0]!.id;
  if (!config.dataCenters.some((d) => d.id === datacenter)) {
    throw new AppError(
      'validation_failed',
      `unknown data center "${datacenter}"; data centers: ${config.dataCenters.map((d) => d.id).join(', ')}`,
      { datacenter: 'unknown data center' },
    );
  }
  const now = clock.now();
  const org: Org = {
    id: newId('org'),
    name: input.name,
    plan,
    datacenter,
    created_at: now,
    disabled_at: null,
  };
  return ctx.store.db.transaction().execute(async (trx) => {
    if (await findOrgByName(trx, input.name))
      throw new AppError('conflict', `org "${input.name}" already exists`, { name: 'already exists' });
    await trx.insertInto('orgs').values(org).execute();
    await writeSettings(trx, org.id, defaultSettings(input.timeZone ?? config.timeZone), now);
    await writeAudit(trx, {
      orgId: org.id,
      actor: 'system',
      action: 'org.create',
      targetType: 'org',
      targetId: org.id,
      after: org,
      at: now,
    });
    return org;
  });
}

/**
 * Idempotent first-start work: plans in step with configuration, org `default`, and the bootstrap
 * key and user when their variables are set and they do not exist yet. Safe on several nodes at once.
 */
export async function bootstrap(ctx: AppContext): Promise<Org> {
  const { db } = ctx.store;
  await syncPlans(db, ctx.config.plans, ctx.clock.now());
  let org = await findOrgByName(db, 'default');
  if (!org) {
    try {
      org = await createOrg(ctx, { name: 'default' });
      ctx.log.info({ event: 'org.created', org: org.id }, 'created org "default"');
    } catch (err) {
      org = await findOrgByName(db, 'default');
      if (!org) throw err;
    }
  }
  await bootstrapApiKey(ctx, org);
  await bootstrapAdmin(ctx, org);
  return org;
}

async function bootstrapApiKey(ctx: AppContext, org: Org): Promise<void> {
  const key = ctx.config.bootstrap.apiKey;
  if (!key) return;
  const hash = hashToken(key);
  const now = ctx.clock.now();
  const row = {
    id: newId('key'),
    org_id: org.id,
    name: 'bootstrap',
    role: 'admin' as const,
    prefix: tokenPrefix(key),
    hash,
    created_at: now,
    default_type: 'individual' as const,
    last_used_at: null,
    revoked_at: null,
  };
  const inserted = await ctx.store.db
    .insertInto('api_keys')
    .values(row)
    .onConflict((oc) => oc.column('hash').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    await writeAudit(ctx.store.db, {
      orgId: org.id,
      actor: 'system',
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: row.id,
      after: { name: row.name, role: row.role, prefix: row.prefix },
      at: now,
    });
    ctx.log.info({ event: 'api_key.bootstrap', org: org.id }, 'created the bootstrap admin API key');
  }
}

async function bootstrapAdmin(ctx: AppContext, org: Org): Promise<void> {
  const { adminEmail, adminPassword } = ctx.config.bootstrap;
  if (!adminEmail || !adminPassword) return;
  const email = adminEmail.toLowerCase();
  const exists = await ctx.store.db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', org.id)
    .where('email', '=', email)
    .executeTakeFirst();
  if (exists) return;
  const now = ctx.clock.now();
  const user = {
    id: newId('usr'),
    org_id: org.id,
    email,
    name: 'Administrator',
    role: 'admin' as const,
    password_hash: await hashPassword(adminPassword, ctx.passwordHashing),
    created_at: now,
    updated_at: now,
  };
  const inserted = await ctx.store.db
    .insertInto('users')
    .values(user)
    .onConflict((oc) => oc.columns(['org_id', 'email']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    await writeAudit(ctx.store.db, {
      orgId: org.id,
      actor: 'system',
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      after: { email, role: user.role },
      at: now,
    });
    ctx.log.info({ event: 'user.bootstrap', org: org.id }, 'created the bootstrap admin user');
  }
}
