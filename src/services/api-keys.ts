/**
 * API keys of an org: created (the secret shown once), listed, revoked, and checked on each request
 * (a key of a disabled org is refused with 403).
 */
import type { Principal } from '../auth/principal.js';
import { hashToken, newToken, tokenPrefix } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import type { EmailType } from '../domain/email-types.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { ApiKeyView } from '../schemas/api-keys.js';
import { iso } from '../schemas/common.js';
import { writeAudit } from '../store/repos/audit-log.js';
import type { ApiKeysTable } from '../store/schema.js';
import { assertOrgEnabled } from './org-access.js';

const view = (k: ApiKeysTable): ApiKeyView => ({
  id: k.id,
  name: k.name,
  role: k.role,
  defaultType: k.default_type,
  prefix: k.prefix,
  createdAt: iso(k.created_at)!,
  lastUsedAt: iso(k.last_used_at),
});

export async function listApiKeys(ctx: AppContext, orgId: string): Promise<ApiKeyView[]> {
  const rows = await ctx.store.db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map(view);
}

export async function createApiKey(
  ctx: AppContext,
  actor: Principal,
  input: { name: string; role: 'admin' | 'send'; defaultType?: EmailType },
): Promise<ApiKeyView & { key: string }> {
  return insertApiKey(ctx, actor.orgId, actor, input);
}

/** Makes a key in the org (by an admin, or by the operator: actor `system`); the secret is returned once. */
export async function insertApiKey(
  ctx: AppContext,
  orgId: string,
  actor: Principal | 'system',
  input: { name: string; role: 'admin' | 'send'; defaultType?: EmailType },
): Promise<ApiKeyView & { key: string }> {
  const key = newToken('mr');
  const now = ctx.clock.now();
  const row: ApiKeysTable = {
    id: newId('key'),
    org_id: orgId,
    name: input.name,
    role: input.role,
    default_type: input.defaultType ?? 'individual',
    prefix: tokenPrefix(key),
    hash: hashToken(key),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('api_keys').values(row).execute();
    await writeAudit(trx, {
      orgId,
      actor,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: row.id,
      after: view(row),
      at: now,
    });
  });
  return { ...view(row), key };
}

export async function revokeApiKey(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('org_id', '=', actor.orgId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw notFound('API key');
    await trx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: id,
      before: view(row),
      at: now,
    });
  });
}

/** Last-use times are written at most once a minute per key, to keep reads cheap. */
const TOUCH_EVERY_MS = 60_000;

export async function authenticateApiKey(ctx: AppContext, token: string): Promise<Principal | undefined> {
  const row = await ctx.store.db
    .selectFrom('api_keys')
    .innerJoin('orgs', 'orgs.id', 'api_keys.org_id')
    .selectAll('api_keys')
    .select(['orgs.name as org_name', 'orgs.disabled_at as org_disabled_at'])
    .where('api_keys.hash', '=', hashToken(token))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  assertOrgEnabled({ name: row.org_name, disabled_at: row.org_disabled_at });
  const now = ctx.clock.now();
  if (row.last_used_at === null || now - row.last_used_at > TOUCH_EVERY_MS) {
    await ctx.store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    kind: 'api_key',
    id: row.id,
    orgId: row.org_id,
    role: row.role,
    label: `${row.name} (${row.prefix})`,
  };
}
