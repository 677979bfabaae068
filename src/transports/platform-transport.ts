/**
 * Platform delivery (the path the seed calls "the CRM's server"): a configured smarthost, or direct
 * delivery to the recipient domain's MX hosts (lowest preference first, the domain itself when it
 * has no MX), with opportunistic STARTTLS. MX lookups use mailroute's injectable resolver.
 */
import type { Config } from '../config/load.js';
import type { DnsResolver } from '../dns/resolver.js';
import { smtpTimeouts } from './relay-transport.js';
import type { PoolOptions } from './smtp-pools.js';

export interface PlatformTarget {
  key: string;
  options: PoolOptions;
}

/** The servers to try for a recipient domain, in order. Empty when the domain has no mail server. */
export async function platformTargets(
  config: Config,
  dns: DnsResolver,
  recipientDomain: string,
  localAddress: string | undefined,
): Promise<PlatformTarget[]> {
  const base = {
    name: config.ehloName,
    localAddress,
    maxConnections: 10,
    ...smtpTimeouts(config.smtpTimeoutMs),
  };
  const p = config.platformSmtp;
  if (p.kind === 'smarthost') {
    return [
      {
        key: `smarthost:${p.host}:${p.port}`,
        options: { ...base, host: p.host, port: p.port, secure: p.secure, tls: { minVersion: 'TLSv1.2' } },
      },
    ];
  }
  const mx = await dns.mx(recipientDomain);
  const hosts =
    mx.length > 0
      ? mx.filter((m) => m.exchange && m.exchange !== '.').map((m) => m.exchange)
      : [recipientDomain];
  const targets: PlatformTarget[] = [];
  for (const host of hosts) {
    for (const address of await dns.addresses(host)) {
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
  return targets;
}
