/**
 * Console sign-in: email and password checked against the scrypt hash, behind the sign-in throttle
 * (`signin-throttle.ts`), then a random session token in an HttpOnly cookie; only the token's hash
 * is stored. Sessions expire after the configured hours. A disabled org's users cannot sign in and
 * their sessions are refused (403) until the operator enables it.
 */
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { hashToken, newToken } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { chooseOrg } from '../domain/signin-org.js';
import { findOrg } from '../store/repos/orgs.js';
import type { UsersTable } from '../store/schema.js';
import { assertOrgEnabled } from './org-access.js';
import { checkSignin, signinFailed, signinSucceeded } from './signin-throttle.js';

/** The users of this email whose password matches (one scrypt check each, a decoy when none). */
async function matching(ctx: AppContext, email: string, password: string): Promise<UsersTable[]> {
  const users = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email)
    .orderBy('created_at')
    .execute();
  if (users.length === 0) {
    await verifyPassword(password, await decoyHash(ctx.passwordHashing));
    return [];
  }
  const ok = await Promise.all(users.map((u) => verifyPassword(password, u.password_hash)));
  return users.filter((_u, i) => ok[i]);
}

async function askWhichOrg(ctx: AppContext, users: UsersTable[]): Promise<AppError> {
  const orgs = await ctx.store.db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where(
      'id',
      'in',
      users.map((u) => u.org_id),
    )
    .orderBy('name')
    .execute();
  return new AppError(
    'conflict',
    'this email and password sign in to several orgs; choose one and send its id as orgId',
    undefined,
    { orgs },
  );
}

/**
 * Signs in by email and password, into the org where they match; `orgId` chooses when they match
 * in several (otherwise 409 with those orgs, id and name only).
 */
export async function login(
  ctx: AppContext,
  email: string,
  password: string,
  address: string,
  orgId?: string,
): Promise<{ token: string; expiresAt: number; principal: Principal }> {
  const account = email.toLowerCase();
  await checkSignin(ctx, account, address);
  const choice = chooseOrg(await matching(ctx, account, password), orgId);
  if (choice.kind === 'none') {
    await signinFailed(ctx, account, address);
    throw new AppError('unauthorized', 'wrong email or password');
  }
  if (choice.kind === 'choose') throw await askWhichOrg(ctx, choice.users);
  const user = choice.user;
  const org = await findOrg(ctx.store.db, user.org_id);
  if (org) assertOrgEnabled(org);
  await signinSucceeded(ctx, account, address);
  const token = newToken('ses');
  const now = ctx.clock.now();
  const expiresAt = now + ctx.config.sessionHours * 3_600_000;
  await ctx.store.db
    .deleteFrom('sessions')
    .where('user_id', '=', user.id)
    .where('expires_at', '<=', now)
    .execute();
  await ctx.store.db
    .insertInto('sessions')
    .values({ id: hashToken(token), user_id: user.id, created_at: now, expires_at: expiresAt })
    .execute();
  return {
    token,
    expiresAt,
    principal: { kind: 'user', id: user.id, orgId: user.org_id, role: user.role, label: user.email },
  };
}

export async function authenticateSession(ctx: AppContext, token: string): Promise<Principal | undefined> {
  const row = await ctx.store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['users.id', 'users.org_id', 'users.role', 'users.email', 'sessions.expires_at'])
    .select(['orgs.name as org_name', 'orgs.disabled_at as org_disabled_at'])
    .where('sessions.id', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= ctx.clock.now()) return undefined;
  assertOrgEnabled({ name: row.org_name, disabled_at: row.org_disabled_at });
  return { kind: 'user', id: row.id, orgId: row.org_id, role: row.role, label: row.email };
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  await ctx.store.db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
}
