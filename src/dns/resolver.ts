/**
 * The one DNS resolver mailroute uses (domain verification, DKIM records, relay hosts, MX
 * delivery). Built from `MAILROUTE_DNS_SERVERS` or the system's servers, and injectable so tests
 * run against a DNS server of their own on loopback. "No such name" and "no record of this type"
 * are empty answers; other failures (timeouts, SERVFAIL) throw `DnsError`.
 */
import { promises as dns } from 'node:dns';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsResolver {
  /** TXT records, each with its character strings joined. */
  txt(name: string): Promise<string[]>;
  /** IPv4 and IPv6 addresses of a host name. */
  addresses(name: string): Promise<string[]>;
  mx(name: string): Promise<MxRecord[]>;
  /**
   * Any record type, answered as node:dns answers it; errors are node's own (`ENOTFOUND`,
   * `ENODATA`, `ETIMEOUT`…), as evaluators such as mailauth's SPF and DMARC expect them.
   */
  resolve(name: string, rrtype: string): Promise<unknown[]>;
}

export class DnsError extends Error {
  override name = 'DnsError';
  constructor(
    readonly code: string,
    readonly query: string,
  ) {
    super(`DNS lookup of ${query} failed (${code})`);
  }
}

const EMPTY = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

async function answer<T>(query: string, lookup: () => Promise<T[]>): Promise<T[]> {
  try {
    return await lookup();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    if (EMPTY.has(code)) return [];
    throw new DnsError(code, query);
  }
}

export function createResolver(servers: readonly string[] = [], timeoutMs = 3000): DnsResolver {
  const r = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) r.setServers([...servers]);
  return {
    txt: (name) =>
      answer(`TXT ${name}`, async () => (await r.resolveTxt(name)).map((chunks) => chunks.join(''))),
    async addresses(name) {
      const [v4, v6] = await Promise.all([
        answer(`A ${name}`, () => r.resolve4(name)),
        answer(`AAAA ${name}`, () => r.resolve6(name)),
      ]);
      return [...v4, ...v6];
    },
    mx: (name) =>
      answer(`MX ${name}`, async () => (await r.resolveMx(name)).sort((a, b) => a.priority - b.priority)),
    resolve: (name, rrtype) => r.resolve(name, rrtype) as Promise<unknown[]>,
  };
}
