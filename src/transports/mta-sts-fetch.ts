/**
 * Fetching a domain's MTA-STS policy file (RFC 8461 §3.3): `GET
 * https://mta-sts.<domain>/.well-known/mta-sts.txt`, with a certificate valid for that name, no
 * redirects, `text/plain`, at most 64 KB. The connection goes only to an address of
 * `mta-sts.<domain>` the operator's host policy allows (`MAILROUTE_RELAY_HOSTS`, as for MX hosts),
 * never to a name the TLS library would look up on its own. The port and an extra trusted CA are
 * settings for tests only (`MAILROUTE_MTA_STS_TEST_PORT`, `MAILROUTE_MTA_STS_TEST_CA`).
 */
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Config } from '../config/load.js';
import { hostAddresses } from '../dns/host-addresses.js';
import type { DnsResolver } from '../dns/resolver.js';
import { addressKind, relayAddressAllowed } from '../domain/hosts.js';
import { POLICY_MAX_BYTES } from '../domain/mta-sts.js';

const FETCH_TIMEOUT_MS = 10_000;

const bundles = new Map<string, string[]>();

/**
 * The CAs to trust: the system's, plus the test CA when one is set. One array per CA, so SMTP pools
 * keyed by their options see the same bundle every time.
 */
export function trustedCas(extraCa: string | undefined): string[] | undefined {
  if (!extraCa) return undefined;
  let bundle = bundles.get(extraCa);
  if (!bundle) {
    bundle = [...rootCertificates, extraCa];
    bundles.set(extraCa, bundle);
  }
  return bundle;
}

export class MtaStsFetchError extends Error {
  override name = 'MtaStsFetchError';
}

/** The policy file's text; throws `MtaStsFetchError` (or `DnsError`) when it cannot be had. */
export async function fetchMtaStsPolicy(config: Config, dns: DnsResolver, domain: string): Promise<string> {
  const host = `mta-sts.${domain}`;
  const all = await hostAddresses(dns, host);
  const allowed = all.filter((a) => relayAddressAllowed(a, config.relayHosts));
  if (allowed.length === 0)
    throw new MtaStsFetchError(
      all.length === 0
        ? `${host} has no address`
        : `no allowed address for ${host}: ${all.map((a) => `${a} (${addressKind(a) ?? 'invalid'})`).join(', ')} refused by the host policy`,
    );
  let last: unknown;
  for (const address of allowed) {
    try {
      return await get(address, host, config);
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof MtaStsFetchError ? last : new MtaStsFetchError(`${host}: ${(last as Error).message}`);
}

function get(address: string, host: string, config: Config): Promise<string> {
  return new Promise((resolve, reject) => {
    const ca = trustedCas(config.mtaSts.ca);
    const req = https.request(
      {
        host: address,
        port: config.mtaSts.port,
        path: '/.well-known/mta-sts.txt',
        method: 'GET',
        servername: host,
        headers: { host, 'user-agent': 'mailroute-mta-sts/1' },
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        agent: false,
        timeout: FETCH_TIMEOUT_MS,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new MtaStsFetchError(`${host} answered HTTP ${res.statusCode}`));
        }
        if (!/^text\/plain\b/i.test(res.headers['content-type'] ?? '')) {
          res.resume();
          return reject(
            new MtaStsFetchError(`${host} answered ${res.headers['content-type']}, not text/plain`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > POLICY_MAX_BYTES) {
            req.destroy(new MtaStsFetchError(`${host}: the policy is larger than 64 KB`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new MtaStsFetchError(`${host}: no answer in time`)));
    req.on('error', reject);
    req.end();
  });
}
