/**
 * Relays of an org (SPEC R1–R4, R6, R7): create and change within the operator's policy and the
 * plan's limits, enable, disable, resume after a suspension, delete (kept for history). Passwords
 * and tokens are encrypted with the secrets module and never leave in a view; every change is
 * audited with its before and after.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError, invalidFields } from '../domain/errors.js';
import { fieldIssue, fieldsOfIssues } from '../domain/field-issues.js';
import { newId } from '../domain/ids.js';
import { checkRelaySettings } from '../domain/relay-rules.js';
import { dayKey } from '../domain/time-zone.js';
import type { RelayInput, RelayPatch, RelayView } from '../schemas/relays.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { findOrg, lockOrg, planOf } from '../store/repos/orgs.js';
import { relaySuspensionsSince } from '../store/repos/relay-suspensions.js';
import { bounceHandlingOf, loadRelay } from '../store/repos/relays.js';
import { usageOn } from '../store/repos/usage.js';
import type { Database, DomainsTable, RelaysTable } from '../store/schema.js';
import { egressRangesOf } from './datacenter-ranges.js';
import { relayView } from './relay-view.js';
import { getSettings } from './settings.js';

type Db = Kysely<Database>;

const HOUR = 3_600_000;

/**
 * The reason each suspended relay was suspended: the last error named by its `relay.suspended`
 * event. A suspension lasts until the next midnight, so its event is at most 25 hours (a day and a
 * clock change) older than its end; only that stretch of the org's events is read, and only when a
 * relay is suspended.
 */
async function suspensionReasons(db: Db, orgId: string, rows: RelaysTable[], now: number) {
  const ends = rows.flatMap((r) => (r.suspended_until && r.suspended_until > now ? [r.suspended_until] : []));
  const reasons = new Map<string, string>();
  if (ends.length === 0) return reasons;
  for (const s of await relaySuspensionsSince(db, orgId, Math.min(...ends) - 25 * HOUR))
    if (s.reason) reasons.set(s.relayId, s.reason);
  return reasons;
}

/** Everything a view needs besides the row: the org's day, domains, usage and egress ranges. */
async function viewContext(ctx: AppContext, db: Db, orgId: string, rows: RelaysTable[]) {
  const now = ctx.clock.now();
  const { timeZone } = await getSettings(ctx, orgId, db);
  const usage = await usageOn(db, orgId, dayKey(now, timeZone));
  const domains = await db
    .selectFrom('domains')
    .select(['id', 'name', 'verified_at'])
    .where('org_id', '=', orgId)
    .execute();
  const org = await findOrg(db, orgId);
  const egressRanges = egressRangesOf(ctx.config.dataCenters, org?.datacenter);
  const reasons = await suspensionReasons(db, orgId, rows, now);
  return (r: RelaysTable): RelayView => {
    const domain = domains.find((d) => d.id === r.domain_id) ?? { name: '(deleted)', verified_at: null };
    const suspendedReason = reasons.get(r.id) ?? null;
    return relayView(r, { now, domain, usageToday: usage.get(r.id) ?? 0, egressRanges, suspendedReason });
  };
}

export async function listRelays(ctx: AppContext, orgId: string): Promise<RelayView[]> {
  const { db } = ctx.store;
  const rows = await db
    .selectFrom('relays')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .orderBy('priority')
    .orderBy('created_at')
    .execute();
  const view = await viewContext(ctx, db, orgId, rows);
  return rows.map(view);
}

export async function getRelay(ctx: AppContext, orgId: string, id: string): Promise<RelayView> {
  const row = await loadRelay(ctx.store.db, orgId, id);
  return (await viewContext(ctx, ctx.store.db, orgId, [row]))(row);
}

/** The full settings of a stored relay, as a create request would give them (no secrets). */
export function inputOf(r: RelaysTable): RelayInput {
  const authentication: RelayInput['authentication'] =
    r.auth_type === 'password'
      ? { type: 'password', service: 'other', username: r.auth_username ?? '' }
      : r.auth_type === 'oauth2'
        ? {
            type: 'oauth2',
            service: r.auth_service === 'microsoft365' ? 'microsoft365' : 'gmail',
            user: r.oauth_user ?? '',
          }
        : { type: 'none' };
  return {
    name: r.name,
    host: r.host,
    port: r.port,
    security: r.security,
    verifyCertificate: r.verify_certificate === 1,
    caCertificate: r.ca_certificate,
    dailyLimit: r.daily_limit,
    domainId: r.domain_id,
    emailTypes: JSON.parse(r.email_types),
    dkimSigning: r.dkim_signing === 1,
    bounceHandling: bounceHandlingOf(r),
    authentication,
    priority: r.priority,
    maxConnections: r.max_connections,
    rateLimitPerMinute: r.rate_limit_per_minute,
    enabled: r.enabled === 1,
  };
}

type AuthColumns = Pick<
  RelaysTable,
  | 'auth_type'
  | 'auth_service'
  | 'auth_username'
  | 'auth_password_enc'
  | 'oauth_user'
  | 'oauth_refresh_token_enc'
  | 'oauth_access_token_enc'
  | 'oauth_access_expires_at'
  | 'oauth_status'
>;

const noAuth: AuthColumns = {
  auth_type: 'none',
  auth_service: null,
  auth_username: null,
  auth_password_enc: null,
  oauth_user: null,
  oauth_refresh_token_enc: null,
  oauth_access_token_enc: null,
  oauth_access_expires_at: null,
  oauth_status: null,
};

/** A stored relay's authentication columns, as they are. */
function storedAuthColumns(r: RelaysTable): AuthColumns {
  const keys = Object.keys(noAuth) as (keyof AuthColumns)[];
  return Object.fromEntries(keys.map((k) => [k, r[k]])) as unknown as AuthColumns;
}

/** The authentication columns for `input`, keeping stored secrets that still apply. */
function authColumns(
  ctx: AppContext,
  id: string,
  input: RelayInput['authentication'],
  old: RelaysTable | undefined,
): AuthColumns {
  if (input.type === 'password') {
    const kept = old?.auth_type === 'password' ? old.auth_password_enc : null;
    const enc =
      input.password !== undefined ? ctx.secrets.encrypt(input.password, `relay:${id}:password`) : kept;
    return {
      ...noAuth,
      auth_type: 'password',
      auth_service: 'other',
      auth_username: input.username,
      auth_password_enc: enc,
    };
  }
  if (input.type === 'oauth2') {
    const same =
      old?.auth_type === 'oauth2' && old.auth_service === input.service && old.oauth_user === input.user;
    if (same && old) return storedAuthColumns(old);
    return {
      ...noAuth,
      auth_type: 'oauth2',
      auth_service: input.service,
      oauth_user: input.user,
      oauth_status: 'pending',
    };
  }
  return noAuth;
}

async function checked(
  ctx: AppContext,
  db: Db,
  orgId: string,
  input: RelayInput,
  old: RelaysTable | undefined,
) {
  const domain = await db
    .selectFrom('domains')
    .selectAll()
    .where('id', '=', input.domainId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  const plan = await planOf(db, orgId);
  const passwordAvailable =
    input.authentication.type !== 'password' ||
    input.authentication.password !== undefined ||
    (old?.auth_type === 'password' && old.auth_password_enc !== null);
  const { issues, host } = checkRelaySettings(
    { ...input, authType: input.authentication.type, passwordAvailable },
    domain?.name ?? '',
    {
      relayPorts: ctx.config.relayPorts,
      relayHosts: ctx.config.relayHosts,
      planName: plan.name,
      planDailyLimit: plan.dailyLimit,
    },
  );
  if (!domain)
    issues.push(fieldIssue('domainId', 'unknown_domain', 'unknown domain: add it first under domains'));
  if (issues.length > 0) {
    const message = `invalid relay: ${Object.entries(fieldsOfIssues(issues))
      .map(([k, m]) => `${k} ${m}`)
      .join('; ')}`;
    throw invalidFields(message, issues);
  }
  return { domain: domain as DomainsTable, plan, host };
}

async function checkRelayLimit(
  db: Db,
  domain: DomainsTable,
  maxRelaysPerDomain: number,
  planName: string,
  exceptId?: string,
) {
  let q = db
    .selectFrom('relays')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('domain_id', '=', domain.id)
    .where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const { n } = await q.executeTakeFirstOrThrow();
  if (Number(n) >= maxRelaysPerDomain) {
    throw new AppError(
      'limit_exceeded',
      `the "${planName}" plan allows at most ${maxRelaysPerDomain} relays per domain (maxRelaysPerDomain); ${domain.name} has ${n}`,
      undefined,
      { limit: 'maxRelaysPerDomain', max: maxRelaysPerDomain },
    );
  }
}

function columnsOf(
  input: RelayInput,
  host: string,
): Omit<
  RelaysTable,
  | keyof AuthColumns
  | 'id'
  | 'org_id'
  | 'created_at'
  | 'updated_at'
  | 'deleted_at'
  | 'suspended_until'
  | 'failure_count'
  | 'failure_day'
> {
  const b = input.bounceHandling;
  return {
    domain_id: input.domainId,
    name: input.name,
    host,
    port: input.port,
    security: input.security,
    verify_certificate: input.verifyCertificate ? 1 : 0,
    ca_certificate: input.caCertificate?.trim() ? input.caCertificate.trim() : null,
    daily_limit: input.dailyLimit,
    email_types: JSON.stringify(input.emailTypes),
    dkim_signing: input.dkimSigning ? 1 : 0,
    bounce_mode: b.mode,
    bounce_fixed_return_path: b.mode === 'platform' && b.fixedReturnPath ? 1 : 0,
    bounce_address: b.mode === 'address' ? b.address.trim().toLowerCase() : null,
    priority: input.priority,
    max_connections: input.maxConnections,
    rate_limit_per_minute: input.rateLimitPerMinute,
    enabled: input.enabled ? 1 : 0,
  };
}

export async function createRelay(ctx: AppContext, actor: Principal, input: RelayInput): Promise<RelayView> {
  const id = newId('rly');
  const now = ctx.clock.now();
  return changed(
    ctx,
    actor,
    ctx.store.db.transaction().execute(async (trx) => {
      await lockOrg(trx, ctx.store.dialect, actor.orgId);
      const { domain, plan, host } = await checked(ctx, trx, actor.orgId, input, undefined);
      await checkRelayLimit(trx, domain, plan.maxRelaysPerDomain, plan.name);
      const r: RelaysTable = {
        id,
        org_id: actor.orgId,
        ...columnsOf(input, host),
        ...authColumns(ctx, id, input.authentication, undefined),
        suspended_until: null,
        failure_count: 0,
        failure_day: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      await trx.insertInto('relays').values(r).execute();
      const view = (await viewContext(ctx, trx, actor.orgId, [r]))(r);
      await writeAudit(trx, {
        orgId: actor.orgId,
        actor,
        action: 'relay.create',
        targetType: 'relay',
        targetId: id,
        after: view,
        at: now,
      });
      return view;
    }),
  );
}

/** Tells routing in this process that the org's relays changed, once the change is committed. */
async function changed<T>(ctx: AppContext, actor: Principal, work: Promise<T>): Promise<T> {
  const result = await work;
  ctx.events.orgChanged(actor.orgId);
  return result;
}

export async function updateRelay(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: RelayPatch,
): Promise<RelayView> {
  const now = ctx.clock.now();
  return changed(
    ctx,
    actor,
    ctx.store.db.transaction().execute(async (trx) => {
      await lockOrg(trx, ctx.store.dialect, actor.orgId);
      const old = await loadRelay(trx, actor.orgId, id);
      const input: RelayInput = { ...inputOf(old), ...patch } as RelayInput;
      const { domain, plan, host } = await checked(ctx, trx, actor.orgId, input, old);
      if (domain.id !== old.domain_id)
        await checkRelayLimit(trx, domain, plan.maxRelaysPerDomain, plan.name, id);
      const changes = {
        ...columnsOf(input, host),
        ...authColumns(ctx, id, input.authentication, old),
        updated_at: now,
      };
      await trx.updateTable('relays').set(changes).where('id', '=', id).execute();
      return audited(ctx, trx, actor, 'relay.update', old, { ...old, ...changes }, now);
    }),
  );
}

/** Writes the audit entry of a relay change (inside the change's transaction) and returns the new view. */
async function audited(
  ctx: AppContext,
  db: Db,
  actor: Principal,
  action: string,
  before: RelaysTable,
  after: RelaysTable,
  now: number,
) {
  const view = await viewContext(ctx, db, actor.orgId, [before, after]);
  const afterView = view(after);
  await writeAudit(db, {
    orgId: actor.orgId,
    actor,
    action,
    targetType: 'relay',
    targetId: after.id,
    before: view(before),
    after: afterView,
    at: now,
  });
  return afterView;
}

async function setColumns(
  ctx: AppContext,
  actor: Principal,
  id: string,
  action: string,
  changes: Partial<RelaysTable>,
): Promise<RelayView> {
  const now = ctx.clock.now();
  return changed(
    ctx,
    actor,
    ctx.store.db.transaction().execute(async (trx) => {
      const before = await loadRelay(trx, actor.orgId, id);
      await trx
        .updateTable('relays')
        .set({ ...changes, updated_at: now })
        .where('id', '=', id)
        .execute();
      return audited(ctx, trx, actor, action, before, { ...before, ...changes, updated_at: now }, now);
    }),
  );
}

export const enableRelay = (ctx: AppContext, actor: Principal, id: string) =>
  setColumns(ctx, actor, id, 'relay.enable', { enabled: 1 });
export const disableRelay = (ctx: AppContext, actor: Principal, id: string) =>
  setColumns(ctx, actor, id, 'relay.disable', { enabled: 0 });
/** Ends a suspension early (SPEC R13) and starts the failure count afresh. */
export const resumeRelay = (ctx: AppContext, actor: Principal, id: string) =>
  setColumns(ctx, actor, id, 'relay.resume', { suspended_until: null, failure_count: 0, failure_day: null });

/** Deletes a relay from use; its row stays so the history of what went through it keeps its name. */
export async function deleteRelay(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await changed(
    ctx,
    actor,
    ctx.store.db.transaction().execute(async (trx) => {
      const before = await loadRelay(trx, actor.orgId, id);
      const secretsCleared = {
        auth_password_enc: null,
        oauth_refresh_token_enc: null,
        oauth_access_token_enc: null,
        enabled: 0,
      };
      await trx
        .updateTable('relays')
        .set({ ...secretsCleared, deleted_at: now, updated_at: now })
        .where('id', '=', id)
        .execute();
      await trx.deleteFrom('bounce_mailboxes').where('relay_id', '=', id).execute();
      const view = await viewContext(ctx, trx, actor.orgId, [before]);
      await writeAudit(trx, {
        orgId: actor.orgId,
        actor,
        action: 'relay.delete',
        targetType: 'relay',
        targetId: id,
        before: view(before),
        at: now,
      });
    }),
  );
}

/** A stored relay's row, for the probe and the delivery stages (secrets still sealed). */
export const relayRow = (ctx: AppContext, orgId: string, id: string) => loadRelay(ctx.store.db, orgId, id);
