/**
 * AUTH on the submission port: the password is an API key (role `send` or `admin`; the key's org
 * is the sender), the user name is only kept short. Failures are counted per client address with
 * the sign-in throttle's rules (`domain/signin-throttle.ts`, in the database so every process
 * shares them), under a scope of their own: one address's failures hold back that address only,
 * and never a console user. As for sign-in, a success does not clear the address's counter (one
 * valid key must not reset an attacker's address); it is forgotten a day after its last failure. Keys and passwords are never logged.
 */
import type { Principal } from '../auth/principal.js';
import { hashToken } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import type { EmailType } from '../domain/email-types.js';
import { retryAfterSeconds, waitAfter } from '../domain/signin-throttle.js';
import { SUBMISSION_MAX_USERNAME } from '../domain/submission-rules.js';
import { blockedUntil, countFailure } from '../store/repos/signin-throttle.js';

export interface Sender extends Principal {
  defaultType: EmailType;
}

export type AuthResult = { sender: Sender } | { code: number; message: string };

const counter = (address: string) => ({ scope: 'address' as const, key: `smtp ${address}` });

export async function authenticate(
  ctx: AppContext,
  address: string,
  username: string,
  password: string,
): Promise<AuthResult> {
  const now = ctx.clock.now();
  const c = counter(address);
  const until = await blockedUntil(ctx.store.db, [c], now);
  if (until !== undefined)
    return {
      code: 454,
      message: `4.7.0 Too many failed authentications from ${address}; try again in ${retryAfterSeconds(until, now)} seconds`,
    };
  const row =
    username.length > SUBMISSION_MAX_USERNAME
      ? undefined
      : await ctx.store.db
          .selectFrom('api_keys')
          .selectAll()
          .where('hash', '=', hashToken(password))
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
  if (!row || (row.role !== 'send' && row.role !== 'admin')) {
    const p = ctx.config.signin;
    const failures = await countFailure(ctx.store.db, c.scope, c.key, now, (n) =>
      waitAfter(n, p.addressFailures, p.maxWaitMs),
    );
    ctx.log.info(
      { event: 'submission.auth_failed', address, username: username.slice(0, 100), failures },
      'SMTP authentication failed',
    );
    return {
      code: 535,
      message:
        username.length > SUBMISSION_MAX_USERNAME
          ? `5.7.8 Authentication failed: the user name is longer than ${SUBMISSION_MAX_USERNAME} characters`
          : '5.7.8 Authentication failed: the password must be a valid mailroute API key (role send or admin)',
    };
  }
  return {
    sender: {
      kind: 'api_key',
      id: row.id,
      orgId: row.org_id,
      role: row.role,
      label: `${row.name} (${row.prefix}) over SMTP`,
      defaultType: row.default_type,
    },
  };
}
