/**
 * Console users of an org. Admins add, change and remove them; the last admin cannot be demoted
 * or removed (the org would lose its console). Passwords are scrypt hashes; changing one ends the
 * user's sessions.
 */

import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../domain/errors.js';
import { fieldIssue } from '../domain/field-issues.js';
import { newId } from '../domain/ids.js';
import { iso } from '../schemas/common.js';
import type { UserView } from '../schemas/users.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { lockOrg } from '../store/repos/orgs.js';
import type { Database, UsersTable } from '../store/schema.js';

const view = (u: UsersTable): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: iso(u.created_at)!,
  updatedAt: iso(u.updated_at)!,
});

export async function listUsers(ctx: AppContext, orgId: string): Promise<UserView[]> {
  return (
    await ctx.store.db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email').execute()
  ).map(view);
}

async function load(db: Kysely<Database>, orgId: string, id: string): Promise<UsersTable> {
  const u = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!u) throw notFound('user');
  return u;
}

export async function createUser(
  ctx: AppContext,
  actor: Principal,
  input: { email: string; name: string; role: 'admin' | 'member'; password: string },
): Promise<UserView> {
  const now = ctx.clock.now();
  const user: UsersTable = {
    id: newId('usr'),
    org_id: actor.orgId,
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    password_hash: await hashPassword(input.password, ctx.passwordHashing),
    created_at: now,
    updated_at: now,
  };
  return ctx.store.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', user.org_id)
      .where('email', '=', user.email)
      .executeTakeFirst();
    if (taken)
      throw new AppError(
        'conflict',
        `a user with email ${user.email} already exists in this org`,
        { email: 'already in use in this org' },
        { issues: [fieldIssue('email', 'already_exists', 'already in use in this org')] },
      );
    await trx.insertInto('users').values(user).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      after: view(user),
      at: now,
    });
    return view(user);
  });
}

async function assertAnotherAdmin(db: Kysely<Database>, orgId: string, exceptId: string) {
  const other = await db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('id', '!=', exceptId)
    .executeTakeFirst();
  if (!other) throw new AppError('conflict', 'the org must keep at least one admin user');
}

export async function updateUser(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: { name?: string; role?: 'admin' | 'member'; password?: string },
): Promise<UserView> {
  const now = ctx.clock.now();
  const passwordHash = patch.password ? await hashPassword(patch.password, ctx.passwordHashing) : undefined;
  return ctx.store.db.transaction().execute(async (trx) => {
    await lockOrg(trx, ctx.store.dialect, actor.orgId);
    const old = await load(trx, actor.orgId, id);
    if (old.role === 'admin' && patch.role === 'member') await assertAnotherAdmin(trx, actor.orgId, id);
    const changes = {
      name: patch.name ?? old.name,
      role: patch.role ?? old.role,
      password_hash: passwordHash ?? old.password_hash,
      updated_at: now,
    };
    await trx.updateTable('users').set(changes).where('id', '=', id).execute();
    if (passwordHash) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const after = { ...old, ...changes };
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      before: view(old),
      after: { ...view(after), passwordChanged: Boolean(passwordHash) },
      at: now,
    });
    return view(after);
  });
}

export async function deleteUser(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    await lockOrg(trx, ctx.store.dialect, actor.orgId);
    const old = await load(trx, actor.orgId, id);
    if (old.role === 'admin') await assertAnotherAdmin(trx, actor.orgId, id);
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'user.delete',
      targetType: 'user',
      targetId: id,
      before: view(old),
      at: ctx.clock.now(),
    });
  });
}
