/**
 * Resolvers to inject into the probe: the system's (`dns.lookup`, which also reads /etc/hosts), or
 * DNS servers of the operator's choosing (`MAILROUTE_DNS_SERVERS`, e.g. `127.0.0.1:5353`). Both give
 * every IPv4 and IPv6 address of a name and reject with `ENOTFOUND` when there is none.
 */
import { lookup, Resolver } from 'node:dns/promises';

export async function systemResolve(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

export function serversResolve(servers: string[]): (host: string) => Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers(servers);
  return async (host) => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [v4, v6].flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    if (addresses.length > 0) return addresses;
    const failure = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failure?.reason ?? Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  };
}
