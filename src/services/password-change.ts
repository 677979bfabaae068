/**
 * A console user changes their own password: the current one is checked (behind the sign-in
 * throttle, so a left-open session cannot guess it), the new hash stored, and every other session
 * of the user ended while the one that asked stays signed in. The audit entry says only that the
 * password changed; neither password is ever logged or stored in clear.
 */
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { hashToken } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { AppError, invalidField } from '../domain/errors.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { checkSignin, signinFailed, signinSucceeded } from './signin-throttle.js';

export async function changeOwnPassword(
  ctx: AppContext,
  actor: Principal,
  sessionToken: string | undefined,
  input: { currentPassword: string; newPassword: string },
  address: string,
): Promise<{ endedSessions: number }> {
  if (actor.kind !== 'user' || !sessionToken)
    throw new AppError('forbidden', 'only a console user signed in with a session can change their password');
  const user = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', actor.id)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!user) throw new AppError('unauthorized', 'not signed in');
  await checkSignin(ctx, user.email, address);
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    await signinFailed(ctx, user.email, address);
    throw invalidField('currentPassword', 'is not your current password', 'not_current_password');
  }
  if (input.newPassword === input.currentPassword)
    throw invalidField('newPassword', 'must differ from the current password', 'same_password');
  await signinSucceeded(ctx, user.email, address);
  const hash = await hashPassword(input.newPassword, ctx.passwordHashing);
  const now = ctx.clock.now();
  const keep = hashToken(sessionToken);
  return ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    const ended = await trx
      .deleteFrom('sessions')
      .where('user_id', '=', user.id)
      .where('id', '!=', keep)
      .executeTakeFirst();
    const endedSessions = Number(ended.numDeletedRows);
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'user.password_change',
      targetType: 'user',
      targetId: user.id,
      after: { passwordChanged: true, endedSessions },
      at: now,
    });
    return { endedSessions };
  });
}
