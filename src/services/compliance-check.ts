/**
 * `GET /api/v1/domains/:id/compliance` (issue 17): the bulk senders' rules for one sending domain,
 * on platform delivery and on each relay of the domain. It runs the existing authentication check of
 * each route and adds the DKIM key, the egress address's forward-confirmed reverse DNS and TLS to
 * the relays, found by a live connection (the relay test's probe), not read off the relay's settings
 * (`domain/compliance.ts` turns the facts into findings), and says of each of the domain's records
 * whether it is published (`domain/domain-record-checks.ts`).
 */
import type { AppContext } from '../context.js';
import { DnsError } from '../dns/resolver.js';
import { representativeEgress } from '../domain/auth-plan.js';
import {
  type ComplianceFacts,
  type ComplianceFinding,
  type ComplianceRoute,
  complianceFindings,
  reverseName,
  type TlsProbeFact,
} from '../domain/compliance.js';
import { type DomainRecordCheck, domainRecordChecks } from '../domain/domain-record-checks.js';
import { notFound } from '../domain/errors.js';
import type { RelayTestResult } from '../schemas/relays.js';
import { findOrg } from '../store/repos/orgs.js';
import { checkPlatformAuthentication, checkRelayAuthentication } from './authentication-check.js';
import { testSavedRelay } from './relay-test.js';

export interface ComplianceCheck {
  domain: string;
  routes: { name: string; spf: string; dmarc: string }[];
  findings: ComplianceFinding[];
  records: DomainRecordCheck[];
}

const EMPTY = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

/** PTR names of `ip`; null when the lookup failed. */
async function ptrOf(ctx: AppContext, name: string): Promise<string[] | null> {
  try {
    return (await ctx.dns.resolve(name, 'PTR')) as string[];
  } catch (err) {
    return EMPTY.has((err as NodeJS.ErrnoException).code ?? '') ? [] : null;
  }
}

async function egressFacts(ctx: AppContext, orgId: string): Promise<ComplianceFacts['egress']> {
  const org = await findOrg(ctx.store.db, orgId);
  const dc = ctx.config.dataCenters.find((d) => d.id === org?.datacenter) ?? ctx.config.dataCenters[0]!;
  const address = representativeEgress(dc.egress, dc.egressAddress) ?? null;
  if (!address) return { address: null, reverseName: null, ptr: null, confirmed: false };
  const name = reverseName(address);
  const ptr = await ptrOf(ctx, name);
  let confirmed = false;
  for (const host of ptr ?? []) {
    const addresses = await ctx.dns.addresses(host).catch((err: unknown) => {
      if (err instanceof DnsError) return [] as string[];
      throw err;
    });
    if (addresses.includes(address)) confirmed = true;
  }
  return { address, reverseName: name, ptr, confirmed };
}

const unreachable = {
  en: 'mailroute could not connect to the relay to look.',
  ja: 'リレーサーバーに接続して確認できませんでした。',
};

/** TLS as a live connection to the relay found it: the probe's `tls` step, or where it stopped. */
export function tlsFactOf(result: RelayTestResult): TlsProbeFact {
  const step = result.steps.find((s) => s.step === 'tls');
  if (!step) {
    const stopped = result.steps.find((s) => !s.ok);
    return { reached: false, explanation: stopped?.explanation ?? unreachable };
  }
  if (!step.ok) return { reached: true, ok: false, explanation: step.explanation ?? unreachable };
  return {
    reached: true,
    ok: true,
    certificate: step.certificate?.verdict === 'valid' ? 'valid' : 'problem',
    detail: step.detail ?? '',
  };
}

async function probeTls(ctx: AppContext, orgId: string, relayId: string): Promise<TlsProbeFact> {
  try {
    return tlsFactOf(await testSavedRelay(ctx, orgId, relayId));
  } catch (err) {
    ctx.log.warn({ err, relayId, event: 'compliance.tls_probe_failed' }, 'TLS probe of a relay failed');
    return { reached: false, explanation: unreachable };
  }
}

/**
 * `relayTls`: `probe` connects to each relay to find its TLS; `settings` reads it off the relay's
 * settings, for callers that want only the DNS records (the Domains page's ✓ or ✗ per record).
 */
export async function checkCompliance(
  ctx: AppContext,
  orgId: string,
  domainId: string,
  relayTls: 'probe' | 'settings' = 'probe',
): Promise<ComplianceCheck> {
  const { db } = ctx.store;
  const domain = await db
    .selectFrom('domains')
    .select(['id', 'name'])
    .where('id', '=', domainId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!domain) throw notFound('domain');
  const [relays, key] = await Promise.all([
    db
      .selectFrom('relays')
      .select(['id', 'name', 'security'])
      .where('org_id', '=', orgId)
      .where('domain_id', '=', domainId)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('dkim_keys')
      .select('algorithm')
      .where('domain_id', '=', domainId)
      .where('status', '=', 'active')
      .executeTakeFirst(),
  ]);
  const routes: ComplianceRoute[] = [
    { name: 'platform', check: await checkPlatformAuthentication(ctx, orgId, domainId) },
    ...(await Promise.all(
      relays.map(async (r) => {
        const [check, tlsProbe] = await Promise.all([
          checkRelayAuthentication(ctx, orgId, r.id),
          r.security === 'none' || relayTls === 'settings' ? undefined : probeTls(ctx, orgId, r.id),
        ]);
        return { name: r.name, security: r.security, check, ...(tlsProbe ? { tlsProbe } : {}) };
      }),
    )),
  ];
  const facts: ComplianceFacts = {
    domain: domain.name,
    routes,
    dkimKey: key ? { algorithm: key.algorithm } : null,
    egress: await egressFacts(ctx, orgId),
  };
  return {
    domain: domain.name,
    routes: routes.map((r) => ({
      name: r.name,
      spf: r.check.hops.at(-1)!.spf.result,
      dmarc: r.check.dmarc.result,
    })),
    findings: complianceFindings(facts),
    records: domainRecordChecks(routes),
  };
}
