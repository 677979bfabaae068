/**
 * Who may read `/metrics`. With `MAILROUTE_METRICS_TOKEN` set: whoever sends it as a bearer token,
 * compared in constant time. Unset: loopback clients only (a Prometheus on the same host, or an
 * operator's SSH tunnel); anyone else is told to set the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export type MetricsAccess = 'allowed' | 'token-required' | 'wrong-token' | 'not-loopback';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares through fixed-length digests, so neither the content nor the length leaks in timing. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'loopback';
}

export function metricsAccess(
  token: string | undefined,
  authorization: string | undefined,
  clientAddress: string | undefined,
): MetricsAccess {
  if (token === undefined) return isLoopback(clientAddress) ? 'allowed' : 'not-loopback';
  if (authorization === undefined) return 'token-required';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return 'token-required';
  return sameSecret(m[1]!, token) ? 'allowed' : 'wrong-token';
}
