/**
 * What a receiver will be shown for a relay's mail (SPEC R17, R21), before any DNS lookup: the
 * envelope sender (return path) each bounce-handling mode produces, the address that stands for
 * the data center's egress when SPF is evaluated, and SPF records with the terms a fix adds.
 * Pure. Policy: the return path is written with `*` for the per-message local part.
 */
import type { BounceHandling } from './bounce-handling.js';
import { formatAddress, normalizeRanges, parseCidr } from './cidr.js';
import { addressDomain } from './domain-names.js';

export interface ReturnPathPlan {
  /** `bounces+*@bounces.example`, `*@sakura.com`, `bounce@sakura.com`. */
  address: string;
  domain: string;
  /** True when the return path is the platform's (its bounce domain), not the org's. */
  platform: boolean;
}

/** The envelope sender of mail through a relay, or through platform delivery (`undefined`). */
export function returnPathPlan(
  bounceHandling: BounceHandling | undefined,
  fromDomain: string,
  bounceDomain: string,
): ReturnPathPlan {
  if (!bounceHandling) return { address: `bounces+*@${bounceDomain}`, domain: bounceDomain, platform: true };
  if (bounceHandling.mode === 'from')
    return { address: `*@${fromDomain}`, domain: fromDomain, platform: false };
  if (bounceHandling.mode === 'address') {
    const address = bounceHandling.address.trim().toLowerCase();
    return { address, domain: addressDomain(address) ?? fromDomain, platform: false };
  }
  return {
    address: bounceHandling.fixedReturnPath ? `catchall@${bounceDomain}` : `bounces+*@${bounceDomain}`,
    domain: bounceDomain,
    platform: true,
  };
}

/**
 * The address that stands for the data center when SPF is evaluated: its configured egress
 * address, else the first host of its first IPv4 range (of its first IPv6 range otherwise).
 */
export function representativeEgress(egress: readonly string[], egressAddress?: string): string | undefined {
  if (egressAddress) return egressAddress;
  const { ipv4, ipv6 } = normalizeRanges(egress);
  const first = ipv4[0] ?? ipv6[0];
  if (!first) return undefined;
  const { family, network, prefix } = parseCidr(first);
  const hostBits = (family === 'ipv4' ? 32 : 128) - prefix;
  return formatAddress({ family, value: hostBits <= 1 ? network : network + 1n });
}

/** The SPF term authorizing one address: `ip4:192.0.2.10` or `ip6:2001:db8::1`. */
export const spfTermFor = (ip: string) => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`);

/**
 * An SPF record with `terms` added: a new `v=spf1 … ~all` when there is none, else the current one
 * with the missing terms inserted before its `all` (or `redirect=`) term.
 */
export function spfWithTerms(current: string | null, terms: readonly string[]): string {
  if (!current) return ['v=spf1', ...terms, '~all'].join(' ');
  const parts = current.trim().split(/\s+/);
  const have = new Set(parts.map((p) => p.toLowerCase()));
  const missing = terms.filter((t) => !have.has(t.toLowerCase()));
  const end = parts.findIndex((p) => /^[-~?+]?all$/i.test(p) || /^redirect=/i.test(p));
  const at = end < 0 ? parts.length : end;
  return [...parts.slice(0, at), ...missing, ...parts.slice(at)].join(' ');
}
