/**
 * The MTA-STS policies of recipient domains (RFC 8461), cached in the database so that every
 * worker process shares one copy, kept until their `max_age` runs out (issue 21).
 */
import type { Kysely } from 'kysely';
import type { MtaStsPolicy } from '../../domain/mta-sts.js';
import type { Database } from '../schema.js';

export interface CachedMtaStsPolicy {
  policy: MtaStsPolicy;
  expiresAt: number;
}

export async function cachedMtaStsPolicy(
  db: Kysely<Database>,
  domain: string,
): Promise<CachedMtaStsPolicy | undefined> {
  const row = await db
    .selectFrom('mta_sts_policies')
    .selectAll()
    .where('domain', '=', domain)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    policy: {
      id: row.policy_id,
      mode: row.mode,
      mx: JSON.parse(row.mx) as string[],
      maxAge: Number(row.max_age),
    },
    expiresAt: Number(row.expires_at),
  };
}

export async function storeMtaStsPolicy(
  db: Kysely<Database>,
  domain: string,
  policy: MtaStsPolicy,
  now: number,
): Promise<void> {
  const values = {
    policy_id: policy.id,
    mode: policy.mode,
    mx: JSON.stringify(policy.mx),
    max_age: policy.maxAge,
    fetched_at: now,
    expires_at: now + policy.maxAge * 1000,
  };
  await db
    .insertInto('mta_sts_policies')
    .values({ domain, ...values })
    .onConflict((oc) => oc.column('domain').doUpdateSet(values))
    .execute();
}
