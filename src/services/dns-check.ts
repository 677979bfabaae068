/**
 * `mailroute dns check <domain>` (SPEC §2.5): the authentication check of a domain from the
 * operator's side, across orgs. One relay when `--relay` names it; else every relay of the domain,
 * or, for a domain without relays, its platform delivery. A name several orgs hold needs `--org`.
 */
import type { AppContext } from '../context.js';
import type { AuthenticationCheck } from '../domain/authentication-check.js';
import { normalizeDomain } from '../domain/domain-names.js';
import { AppError, notFound } from '../domain/errors.js';
import { checkPlatformAuthentication, checkRelayAuthentication } from './authentication-check.js';

export interface DnsCheck {
  orgId: string;
  /** The relay checked; null for the domain's platform delivery. */
  relay: { id: string; name: string; host: string } | null;
  check: AuthenticationCheck;
}

async function findDomain(ctx: AppContext, name: string, orgId?: string) {
  const normalized = normalizeDomain(name);
  if (!normalized) throw new AppError('bad_request', `"${name}" is not a domain name`);
  let q = ctx.store.db.selectFrom('domains').select(['id', 'org_id']).where('name', '=', normalized);
  if (orgId) q = q.where('org_id', '=', orgId);
  const found = await q.execute();
  if (found.length === 0) throw notFound(`domain ${normalized}${orgId ? ` in org ${orgId}` : ''}`);
  if (found.length > 1)
    throw new AppError(
      'bad_request',
      `${normalized} belongs to several orgs (${found.map((d) => d.org_id).join(', ')}); choose one with --org`,
    );
  return found[0]!;
}

export async function dnsCheck(
  ctx: AppContext,
  domainName: string,
  options: { relayId?: string; orgId?: string } = {},
): Promise<DnsCheck[]> {
  const domain = await findDomain(ctx, domainName, options.orgId);
  let q = ctx.store.db
    .selectFrom('relays')
    .select(['id', 'name', 'host'])
    .where('domain_id', '=', domain.id)
    .where('deleted_at', 'is', null)
    .orderBy('priority')
    .orderBy('created_at')
    .orderBy('id');
  if (options.relayId) q = q.where('id', '=', options.relayId);
  const relays = await q.execute();
  if (options.relayId && relays.length === 0)
    throw notFound(`relay ${options.relayId} of ${domainName.trim().toLowerCase()}`);
  if (relays.length === 0)
    return [
      {
        orgId: domain.org_id,
        relay: null,
        check: await checkPlatformAuthentication(ctx, domain.org_id, domain.id),
      },
    ];
  const checks: DnsCheck[] = [];
  for (const relay of relays)
    checks.push({
      orgId: domain.org_id,
      relay,
      check: await checkRelayAuthentication(ctx, domain.org_id, relay.id),
    });
  return checks;
}
