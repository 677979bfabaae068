/**
 * Platform delivery (the path the seed calls "the CRM's server"): a configured smarthost, or direct
 * delivery to the recipient domain's MX hosts (lowest preference first, the domain itself when it
 * has no MX), with opportunistic STARTTLS. MX lookups use mailroute's injectable resolver, and every
 * MX address is checked against the operator's host policy (`MAILROUTE_RELAY_HOSTS`, as for relays,
 * bounce mailboxes and webhooks): link-local and reserved addresses never, private and loopback ones
 * only under `any`. A recipient domain whose MX points inside the network thus gets no connection
 * from a `public-only` server. The smarthost is the operator's own setting and is not checked.
 */
import type { Config } from '../config/load.js';
import type { DnsResolver } from '../dns/resolver.js';
import { addressKind, relayAddressAllowed } from '../domain/hosts.js';
import { smtpTimeouts } from './relay-transport.js';
import type { PoolOptions } from './smtp-pools.js';

export interface PlatformTarget {
  key: string;
  options: PoolOptions;
}

export interface PlatformTargets {
  /** The servers to try, in order. */
  targets: PlatformTarget[];
  /** MX addresses the host policy refused, as `host address (kind)`. */
  refused: string[];
  /** The domain publishes a null MX (RFC 7505): it accepts no mail at all. */
  nullMx?: boolean;
}

/**
 * The servers to try for a recipient domain, in order; none (and none refused) when the domain has
 * no mail server: it does not exist (NXDOMAIN, an empty answer), its MX hosts have no address, or it
 * publishes a null MX (`nullMx`). A lookup that fails (SERVFAIL, timeout) throws `DnsError`.
 */
export async function platformTargets(
  config: Config,
  dns: DnsResolver,
  recipientDomain: string,
  localAddress: string | undefined,
): Promise<PlatformTargets> {
  const base = {
    name: config.ehloName,
    localAddress,
    maxConnections: 10,
    ...smtpTimeouts(config.smtpTimeoutMs),
  };
  const p = config.platformSmtp;
  if (p.kind === 'smarthost') {
    const smarthost: PlatformTarget = {
      key: `smarthost:${p.host}:${p.port}`,
      options: { ...base, host: p.host, port: p.port, secure: p.secure, tls: { minVersion: 'TLSv1.2' } },
    };
    return { targets: [smarthost], refused: [] };
  }
  const mx = await dns.mx(recipientDomain);
  const hosts =
    mx.length > 0
      ? mx.filter((m) => m.exchange && m.exchange !== '.').map((m) => m.exchange)
      : [recipientDomain];
  if (hosts.length === 0) return { targets: [], refused: [], nullMx: true };
  const targets: PlatformTarget[] = [];
  const refused: string[] = [];
  for (const host of hosts) {
    for (const address of await dns.addresses(host)) {
      if (!relayAddressAllowed(address, config.relayHosts)) {
        refused.push(`${host} ${address} (${addressKind(address) ?? 'invalid'})`);
        continue;
      }
      targets.push({
        key: `mx:${address}:${config.directPort}`,
        options: {
          ...base,
          host: address,
          port: config.directPort,
          secure: false,
          opportunisticTLS: true,
          tls: { rejectUnauthorized: false, servername: host },
        },
      });
    }
  }
  return { targets, refused };
}
