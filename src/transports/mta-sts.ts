/**
 * A recipient domain's MTA-STS policy in force (RFC 8461 §5): its `_mta-sts` TXT record is looked
 * up for each delivery; a policy cached in the database under the same id and not past its
 * `max_age` is used as is, otherwise it is fetched again and stored for every worker. A failed
 * lookup or fetch keeps a cached policy that has not expired (so a downgrade attack on DNS or HTTPS
 * cannot switch it off); without one, delivery is opportunistic. Deliveries to one domain at once
 * share one fetch per process.
 */
import type { AppContext } from '../context.js';
import { type MtaStsPolicy, parseMtaStsPolicy, parseMtaStsRecord } from '../domain/mta-sts.js';
import { cachedMtaStsPolicy, storeMtaStsPolicy } from '../store/repos/mta-sts-policies.js';
import { fetchMtaStsPolicy } from './mta-sts-fetch.js';

const inFlight = new Map<string, Promise<MtaStsPolicy | undefined>>();

export function mtaStsPolicy(ctx: AppContext, domain: string): Promise<MtaStsPolicy | undefined> {
  const key = domain.toLowerCase();
  const hit = inFlight.get(key);
  if (hit) return hit;
  const p = resolvePolicy(ctx, key).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

async function resolvePolicy(ctx: AppContext, domain: string): Promise<MtaStsPolicy | undefined> {
  const now = ctx.clock.now();
  const [id, cached] = await Promise.all([
    ctx.dns.txt(`_mta-sts.${domain}`).then(parseMtaStsRecord, () => undefined),
    cachedMtaStsPolicy(ctx.store.db, domain),
  ]);
  const valid = cached && cached.expiresAt > now ? cached.policy : undefined;
  if (id === undefined || (valid && valid.id === id)) return valid;
  try {
    const parsed = parseMtaStsPolicy(await fetchMtaStsPolicy(ctx.config, ctx.dns, domain), id);
    if ('error' in parsed) throw new Error(`invalid policy: ${parsed.error}`);
    await storeMtaStsPolicy(ctx.store.db, domain, parsed, now);
    ctx.log.info(
      { event: 'mta_sts.policy_fetched', domain, mode: parsed.mode, id, maxAge: parsed.maxAge },
      'MTA-STS policy fetched',
    );
    return parsed;
  } catch (err) {
    ctx.log.warn(
      { event: 'mta_sts.fetch_failed', domain, reason: (err as Error).message, kept: valid !== undefined },
      'MTA-STS policy could not be fetched',
    );
    return valid;
  }
}
