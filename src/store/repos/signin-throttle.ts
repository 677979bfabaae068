/** The sign-in throttle's rows (`domain/signin-throttle.ts` decides what they mean). */
import type { Kysely } from 'kysely';
import { FORGET_AFTER_MS } from '../../domain/signin-throttle.js';
import type { Database, SigninFailuresTable } from '../schema.js';

type Scope = SigninFailuresTable['scope'];

/** The latest `blocked_until` after `now` among these counters, or undefined. */
export async function blockedUntil(
  db: Kysely<Database>,
  keys: { scope: Scope; key: string }[],
  now: number,
): Promise<number | undefined> {
  let until: number | undefined;
  for (const k of keys) {
    const row = await db
      .selectFrom('signin_failures')
      .select('blocked_until')
      .where('scope', '=', k.scope)
      .where('key', '=', k.key)
      .where('blocked_until', '>', now)
      .executeTakeFirst();
    if (row) until = Math.max(until ?? 0, Number(row.blocked_until));
  }
  return until;
}

/**
 * Counts one more failure, atomically (several processes may count at once; a counter forgotten
 * since its last failure starts again at 1), then sets its wait; returns the new count.
 */
export async function countFailure(
  db: Kysely<Database>,
  scope: Scope,
  key: string,
  now: number,
  wait: (failures: number) => number,
): Promise<number> {
  const row = await db
    .insertInto('signin_failures')
    .values({ scope, key, failures: 1, last_failure_at: now, blocked_until: 0 })
    .onConflict((oc) =>
      oc.columns(['scope', 'key']).doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('signin_failures.last_failure_at', '<=', now - FORGET_AFTER_MS)
          .then(1)
          .else(eb('signin_failures.failures', '+', 1))
          .end(),
        last_failure_at: now,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const failures = Number(row.failures);
  const ms = wait(failures);
  if (ms > 0)
    await db
      .updateTable('signin_failures')
      .set({ blocked_until: now + ms })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  return failures;
}

export async function clearFailures(db: Kysely<Database>, scope: Scope, key: string): Promise<void> {
  await db.deleteFrom('signin_failures').where('scope', '=', scope).where('key', '=', key).execute();
}

export async function lastSignedInFrom(
  db: Kysely<Database>,
  account: string,
  address: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('signin_addresses')
    .select('signed_in_at')
    .where('account', '=', account)
    .where('address', '=', address)
    .executeTakeFirst();
  return row ? Number(row.signed_in_at) : undefined;
}

export async function rememberAddress(
  db: Kysely<Database>,
  account: string,
  address: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('signin_addresses')
    .values({ account, address, signed_in_at: now })
    .onConflict((oc) => oc.columns(['account', 'address']).doUpdateSet({ signed_in_at: now }))
    .execute();
}

/**
 * Deletes what no longer counts: failure counters forgotten by `now`, and sign-in addresses older
 * than `knownForMs`, so that guessed names and addresses do not pile up.
 */
export async function prune(db: Kysely<Database>, now: number, knownForMs: number): Promise<void> {
  await db
    .deleteFrom('signin_failures')
    .where('last_failure_at', '<=', now - FORGET_AFTER_MS)
    .execute();
  await db
    .deleteFrom('signin_addresses')
    .where('signed_in_at', '<', now - knownForMs)
    .execute();
}
