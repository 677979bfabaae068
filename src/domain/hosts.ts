/**
 * Relay hosts: a host name or an IP literal, and which kind of address an IP is. Link-local
 * addresses are never relays; private and loopback ones only when the operator allows them
 * (`MAILROUTE_RELAY_HOSTS=any`).
 */
import ipaddr from 'ipaddr.js';
import { normalizeDomain } from './domain-names.js';

export type AddressKind = 'public' | 'private' | 'loopback' | 'link-local' | 'reserved';

export function addressKind(ip: string): AddressKind | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  switch (addr.range()) {
    case 'unicast':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link-local';
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
      return 'private';
    default:
      return 'reserved';
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isIpLiteral(host: string): boolean {
  const h = stripBrackets(host);
  return ipaddr.IPv4.isValidFourPartDecimal(h) || (h.includes(':') && ipaddr.IPv6.isValid(h));
}

/**
 * Checks a relay host; returns the normalized host or a reason it is refused.
 * `localhost` counts as a loopback host.
 */
export function checkRelayHost(
  host: string,
  policy: 'any' | 'public-only',
): { host: string } | { error: string } {
  const h = stripBrackets(host.trim());
  if (isIpLiteral(h)) {
    const kind = addressKind(h);
    if (kind === 'link-local') return { error: 'link-local addresses cannot be relays' };
    if (kind === 'reserved') return { error: 'this address is reserved and cannot be a relay' };
    if (policy === 'public-only' && kind !== 'public')
      return {
        error: `${kind} addresses are not allowed as relays here (MAILROUTE_RELAY_HOSTS=public-only)`,
      };
    return { host: ipaddr.parse(h).toString() };
  }
  if (h.toLowerCase() === 'localhost') {
    return policy === 'public-only'
      ? { error: 'loopback hosts are not allowed as relays here (MAILROUTE_RELAY_HOSTS=public-only)' }
      : { host: 'localhost' };
  }
  const name = normalizeDomain(h);
  return name ? { host: name } : { error: 'must be a host name such as smtp.example.com or an IP address' };
}

/** Whether a relay may be reached at this resolved address under the operator's host policy. */
export function relayAddressAllowed(ip: string, policy: 'any' | 'public-only'): boolean {
  const kind = addressKind(ip);
  if (kind === undefined || kind === 'link-local' || kind === 'reserved') return false;
  return policy === 'any' || kind === 'public';
}
