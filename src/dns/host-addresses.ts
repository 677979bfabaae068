/**
 * The addresses a host as written stands for: an IP literal (brackets removed) is itself,
 * `localhost` is the IPv4 loopback, and any other name is looked up with mailroute's resolver.
 * Callers then keep the addresses their host policy allows.
 */
import { isIpLiteral } from '../domain/hosts.js';
import type { DnsResolver } from './resolver.js';

export async function hostAddresses(dns: DnsResolver, host: string): Promise<string[]> {
  if (isIpLiteral(host)) return [host.replace(/^\[|\]$/g, '')];
  if (host.toLowerCase() === 'localhost') return ['127.0.0.1'];
  return dns.addresses(host);
}
