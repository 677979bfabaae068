/**
 * The sign-in throttle around the password check (policy in `domain/signin-throttle.ts`, state in
 * the database so every process shares it). Failed sign-ins are logged with the account and the
 * client address, never the password.
 */
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { KNOWN_ADDRESS_MS, retryAfterSeconds, waitAfter } from '../domain/signin-throttle.js';
import {
  blockedUntil,
  clearFailures,
  countFailure,
  lastSignedInFrom,
  prune,
  rememberAddress,
} from '../store/repos/signin-throttle.js';

type Key = { scope: 'account' | 'address' | 'pair'; key: string };
const pair = (account: string, address: string): Key => ({ scope: 'pair', key: `${account} ${address}` });

/**
 * Refuses with 429 and `Retry-After` while a counter that applies waits: from an address the account
 * signed in from lately, only that pair's own counter; from anywhere else, the account's and the
 * address's.
 */
export async function checkSignin(ctx: AppContext, account: string, address: string): Promise<void> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const known = await lastSignedInFrom(db, account, address);
  const keys: Key[] =
    known !== undefined && now - known <= KNOWN_ADDRESS_MS
      ? [pair(account, address)]
      : [
          { scope: 'account', key: account },
          { scope: 'address', key: address },
        ];
  const until = await blockedUntil(db, keys, now);
  if (until === undefined) return;
  const seconds = retryAfterSeconds(until, now);
  ctx.log.warn(
    { event: 'auth.login_throttled', account, address, retryAfterSeconds: seconds },
    'sign-in throttled',
  );
  throw new AppError('rate_limited', `too many failed sign-ins; try again in ${seconds} seconds`, undefined, {
    retryAfterSeconds: seconds,
  });
}

export async function signinFailed(ctx: AppContext, account: string, address: string): Promise<void> {
  const { db } = ctx.store;
  const now = ctx.clock.now();
  const p = ctx.config.signin;
  await prune(db, now, KNOWN_ADDRESS_MS);
  const accountFailures = await countFailure(db, 'account', account, now, (n) =>
    waitAfter(n, p.accountFailures, p.maxWaitMs),
  );
  const addressFailures = await countFailure(db, 'address', address, now, (n) =>
    waitAfter(n, p.addressFailures, p.maxWaitMs),
  );
  const k = pair(account, address);
  await countFailure(db, k.scope, k.key, now, (n) => waitAfter(n, p.accountFailures, p.maxWaitMs));
  ctx.log.info(
    { event: 'auth.login_failed', account, address, accountFailures, addressFailures },
    'console sign-in failed',
  );
}

export async function signinSucceeded(ctx: AppContext, account: string, address: string): Promise<void> {
  const k = pair(account, address);
  await clearFailures(ctx.store.db, 'account', account);
  await clearFailures(ctx.store.db, k.scope, k.key);
  await rememberAddress(ctx.store.db, account, address, ctx.clock.now());
}
