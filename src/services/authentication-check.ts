/**
 * The authentication check (SPEC R21): for a relay, or for a domain's platform delivery, look the
 * live records up (the verification TXT, the DKIM selector's record, the relay host's addresses),
 * let mailauth evaluate SPF on each hop and the DMARC verdict, and turn it all into findings. The
 * data center's egress is represented by its `egressAddress` or the first address of its ranges.
 */
import type { AppContext } from '../context.js';
import { dkimDnsRecord, dkimRecordName, parseDkimRecord, publishesKey } from '../dkim/keys.js';
import { DnsError } from '../dns/resolver.js';
import { type AuthFacts, authenticationFindings } from '../domain/auth-findings.js';
import { type ReturnPathPlan, representativeEgress, returnPathPlan } from '../domain/auth-plan.js';
import type { AuthenticationCheck, Hop } from '../domain/authentication-check.js';
import type { BounceHandling } from '../domain/bounce-handling.js';
import { normalizeRanges } from '../domain/cidr.js';
import type { DataCenter } from '../domain/datacenters.js';
import { notFound } from '../domain/errors.js';
import { isIpLiteral } from '../domain/hosts.js';
import { findOrg } from '../store/repos/orgs.js';
import { bounceHandlingOf, loadRelay } from '../store/repos/relays.js';
import type { DkimKeysTable, DomainsTable, RelaysTable } from '../store/schema.js';
import { verificationRecord } from './domains.js';
import { evaluateDmarc, evaluateSpf, relaxedAligned } from './mailauth-eval.js';

/** The most addresses of a relay host whose SPF is evaluated. */
const MAX_RELAY_ADDRESSES = 4;

interface Subject {
  domain: DomainsTable;
  key: DkimKeysTable | undefined;
  dataCenter: DataCenter;
  relay?: RelaysTable;
}

async function loadSubject(ctx: AppContext, orgId: string, domainId: string, relay?: RelaysTable) {
  const { db } = ctx.store;
  const domain = await db
    .selectFrom('domains')
    .selectAll()
    .where('id', '=', domainId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!domain) throw notFound('domain');
  const key = await db
    .selectFrom('dkim_keys')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  const org = await findOrg(db, orgId);
  const dcs = ctx.config.dataCenters;
  const dataCenter = dcs.find((d) => d.id === org?.datacenter) ?? dcs[0]!;
  return { domain, key, dataCenter, relay } satisfies Subject;
}

/** Runs a lookup; a DNS failure is noted in `errors` and answered with `fallback`. */
async function noted<T>(errors: string[], fallback: T, lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    errors.push(err.query);
    return fallback;
  }
}

/** The relay host's addresses; `undefined` when the lookup failed (not: found none). */
async function relayAddresses(ctx: AppContext, host: string, errors: string[]) {
  if (isIpLiteral(host)) return [host.replace(/^\[|\]$/g, '')];
  const all = await noted(errors, undefined, () => ctx.dns.addresses(host));
  return all?.slice(0, MAX_RELAY_ADDRESSES);
}

async function spfHop(
  ctx: AppContext,
  from: Hop['from'],
  to: Hop['to'],
  rp: ReturnPathPlan,
  ips: string[] | undefined,
  errors: string[],
): Promise<Hop> {
  if (!ips?.length) {
    const result = ips ? ('none' as const) : ('temperror' as const);
    return { from, to, spf: { result, domain: rp.domain, ip: null, record: null } };
  }
  const outcomes = await Promise.all(ips.map((ip) => evaluateSpf(ctx.dns, rp.address, ip)));
  // Report the address that fares worst: a receiver may see any of them.
  const i = Math.max(
    0,
    outcomes.findIndex((o) => o.result !== 'pass'),
  );
  const o = outcomes[i]!;
  if (o.result === 'temperror') errors.push(`SPF ${rp.domain}`);
  return { from, to, spf: { result: o.result, domain: rp.domain, ip: ips[i]!, record: o.record } };
}

async function dkimRecord(ctx: AppContext, s: Subject, errors: string[]) {
  const k = s.key;
  if (!k) return { name: null, found: false, valid: false, expected: null, checked: true };
  const name = dkimRecordName(k.selector, s.domain.name);
  const looked = await noted(errors, undefined, () => ctx.dns.txt(name));
  const records = looked ?? [];
  return {
    checked: looked !== undefined,
    name,
    found: records.some((r) => parseDkimRecord(r).p !== undefined),
    valid: publishesKey(records, k.algorithm, k.public_key),
    expected: dkimDnsRecord(s.domain.name, {
      selector: k.selector,
      algorithm: k.algorithm,
      publicKey: k.public_key,
    }),
  };
}

async function verification(ctx: AppContext, d: DomainsTable, errors: string[]) {
  const record = verificationRecord(d);
  const txt = await noted(errors, undefined, () => ctx.dns.txt(record.name));
  return {
    record,
    found: txt?.some((t) => t.trim() === record.value) ?? false,
    checked: txt !== undefined,
    verified: d.verified_at !== null,
  };
}

async function check(ctx: AppContext, s: Subject): Promise<AuthenticationCheck> {
  const errors: string[] = [];
  const fromDomain = s.domain.name;
  const bounceHandling: BounceHandling | undefined = s.relay ? bounceHandlingOf(s.relay) : undefined;
  const rp = returnPathPlan(bounceHandling, fromDomain, s.dataCenter.bounceDomain);
  const egress = representativeEgress(s.dataCenter.egress, s.dataCenter.egressAddress);
  const egressIps = egress ? [egress] : [];
  const [{ checked, ...record }, verified, hops] = await Promise.all([
    dkimRecord(ctx, s, errors),
    verification(ctx, s.domain, errors),
    s.relay
      ? Promise.all([
          spfHop(ctx, 'platform', 'relay', rp, egressIps, errors),
          relayAddresses(ctx, s.relay.host, errors).then((ips) =>
            spfHop(ctx, 'relay', 'recipient', rp, ips, errors),
          ),
        ])
      : Promise.all([spfHop(ctx, 'platform', 'recipient', rp, egressIps, errors)]),
  ]);
  const enabled = s.relay ? s.relay.dkim_signing === 1 : true;
  const signingDomain = s.key ? fromDomain : s.relay ? null : s.dataCenter.bounceDomain;
  const signing = enabled && signingDomain !== null;
  const aligned = signing && (await relaxedAligned(fromDomain, signingDomain!));
  // A signature verifies only where its record publishes the key; the platform's own is the operator's.
  const verifies = signing && (s.key ? record.valid : true);
  const lastSpf = hops.at(-1)!.spf;
  const spfAligned = lastSpf.result === 'pass' && (await relaxedAligned(fromDomain, rp.domain));
  const dmarc = await evaluateDmarc(ctx.dns, fromDomain, {
    spf: lastSpf.result === 'pass' ? [rp.domain] : [],
    dkim: verifies ? [signingDomain!] : [],
  });
  if (dmarc.result === 'temperror') errors.push(`TXT _dmarc.${fromDomain}`);
  const dkim = { signing, domain: signing ? signingDomain : null, aligned, record };
  const { ipv4, ipv6 } = normalizeRanges(s.dataCenter.egress);
  const facts: AuthFacts = {
    domain: fromDomain,
    route: s.relay ? 'relay' : 'platform',
    returnPath: rp,
    hops,
    relay: s.relay && {
      host: s.relay.host,
      ips: hops[1]?.spf.ip ? [hops[1].spf.ip] : [],
      authType: s.relay.auth_type,
    },
    dataCenter: { name: s.dataCenter.name, ranges: [...ipv4, ...ipv6] },
    dkim: { ...dkim, enabled, hasKey: s.key !== undefined, checked },
    spfAligned,
    dmarc,
    verification: verified,
    dnsErrors: errors,
  };
  return {
    domain: fromDomain,
    returnPath: rp.address,
    hops,
    dkim,
    dmarc,
    verification: { record: verified.record, found: verified.found },
    findings: authenticationFindings(facts),
  };
}

/** `GET /api/v1/relays/:id/authentication`: what receivers will see of mail through this relay. */
export async function checkRelayAuthentication(
  ctx: AppContext,
  orgId: string,
  relayId: string,
): Promise<AuthenticationCheck> {
  const relay = await loadRelay(ctx.store.db, orgId, relayId);
  return check(ctx, await loadSubject(ctx, orgId, relay.domain_id, relay));
}

/** What receivers will see of the domain's mail through platform delivery (no relay). */
export async function checkPlatformAuthentication(
  ctx: AppContext,
  orgId: string,
  domainId: string,
): Promise<AuthenticationCheck> {
  return check(ctx, await loadSubject(ctx, orgId, domainId));
}
