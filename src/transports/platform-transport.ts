/**
 * Platform delivery (the path the seed calls "the CRM's server"): a configured smarthost, or direct
 * delivery to the recipient domain's MX hosts (lowest preference first, the domain itself when it
 * has no MX), with opportunistic STARTTLS, or under the domain's MTA-STS policy (RFC 8461) when it
 * enforces one: only the MX hosts it names, over TLS with a verified certificate. MX lookups use mailroute's injectable resolver, and every
 * MX address is checked against the operator's host policy (`MAILROUTE_RELAY_HOSTS`, as for relays,
 * bounce mailboxes and webhooks): link-local and reserved addresses never, private and loopback ones
 * only under `any`. A recipient domain whose MX points inside the network thus gets no connection
 * from a `public-only` server. The smarthost is the operator's own setting and is not checked.
 */
import type { Config } from '../config/load.js';
import type { DnsResolver } from '../dns/resolver.js';
import { addressKind, relayAddressAllowed } from '../domain/hosts.js';
import { applyMtaSts, type MtaStsPolicy } from '../domain/mta-sts.js';
import { trustedCas } from './mta-sts-fetch.js';
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
  /**
   * MX hosts the domain's MTA-STS policy does not name (issue 21): left out under `enforce`, only
   * reported under `testing`.
   */
  stsRefused?: string[];
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
  policy?: MtaStsPolicy,
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
  const sts = applyMtaSts(policy, hosts);
  const stsRefused = sts.refused.length > 0 ? { stsRefused: sts.refused } : {};
  const targets: PlatformTarget[] = [];
  const refused: string[] = [];
  for (const host of sts.allowed) {
    for (const address of await dns.addresses(host)) {
      if (!relayAddressAllowed(address, config.relayHosts)) {
        refused.push(`${host} ${address} (${addressKind(address) ?? 'invalid'})`);
        continue;
      }
      targets.push(
        sts.requireVerifiedTls
          ? verifiedTarget(base, host, address, config)
          : {
              key: `mx:${address}:${config.directPort}`,
              options: {
                ...base,
                host: address,
                port: config.directPort,
                secure: false,
                opportunisticTLS: true,
                tls: { rejectUnauthorized: false, servername: host },
              },
            },
      );
    }
  }
  return { targets, refused, ...stsRefused };
}

/**
 * An MX host under an `enforce` MTA-STS policy: STARTTLS required (never in clear), and a
 * certificate valid for the MX host's name (RFC 8461 §4.2), from the system's CAs (plus the test CA).
 */
function verifiedTarget(base: Omit<PoolOptions, 'host'>, host: string, address: string, config: Config) {
  const ca = trustedCas(config.mtaSts.ca);
  return {
    key: `mx:${address}:${config.directPort}:sts:${host}`,
    options: {
      ...base,
      host: address,
      port: config.directPort,
      secure: false,
      requireTLS: true,
      tls: {
        rejectUnauthorized: true,
        servername: host,
        minVersion: 'TLSv1.2' as const,
        ...(ca ? { ca } : {}),
      },
    },
  };
}
