/**
 * Handing a new org to its owner (`mailroute org create … --admin-email … --api-key`): its first
 * admin user, with a generated password shown once to the operator (only its scrypt hash is kept;
 * the owner changes it in the console), and an admin API key, also shown once. Both are written to
 * the org's audit log as the `system` actor, without their secrets.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { AppError, invalidField } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { writeAudit } from '../store/repos/audit-log.js';
import type { UsersTable } from '../store/schema.js';

const emailSchema = z.email();

/** The admin email, lower-cased, or a 400 naming the option. */
export function adminEmail(input: string): string {
  const parsed = emailSchema.safeParse(input.trim());
  if (!parsed.success) throw invalidField('adminEmail', 'must be an email address');
  return parsed.data.toLowerCase();
}

/** 24 random bytes: 32 characters of base64url, 192 bits. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function createFirstAdmin(
  ctx: AppContext,
  orgId: string,
  email: string,
): Promise<{ id: string; email: string; password: string }> {
  const password = generatePassword();
  const now = ctx.clock.now();
  const user: UsersTable = {
    id: newId('usr'),
    org_id: orgId,
    email: adminEmail(email),
    name: 'Administrator',
    role: 'admin',
    password_hash: await hashPassword(password, ctx.passwordHashing),
    created_at: now,
    updated_at: now,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', orgId)
      .where('email', '=', user.email)
      .executeTakeFirst();
    if (taken)
      throw new AppError('conflict', `a user with email ${user.email} already exists in this org`, {
        adminEmail: 'already in use in this org',
      });
    await trx.insertInto('users').values(user).execute();
    await writeAudit(trx, {
      orgId,
      actor: 'system',
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      after: { email: user.email, role: user.role, passwordGenerated: true },
      at: now,
    });
  });
  return { id: user.id, email: user.email, password };
}
