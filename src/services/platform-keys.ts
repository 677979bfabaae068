/** The public DKIM record of a data center's platform key (R15), for the API and the CLI. */
import type { AppContext } from '../context.js';
import { ensurePlatformKey } from '../delivery/platform-key.js';
import { dkimDnsRecord } from '../dkim/keys.js';
import { iso } from '../schemas/common.js';
import type { PlatformDkimView } from '../schemas/datacenters.js';
import { dataCenterById } from './datacenters.js';

/** The public record of a data center's platform key; 404 for a data center not configured. */
export async function platformDkim(ctx: AppContext, dataCenterId: string): Promise<PlatformDkimView> {
  const dc = dataCenterById(ctx, dataCenterId);
  const key = await ensurePlatformKey(ctx, dc.bounceDomain);
  return {
    dataCenter: dc.id,
    domain: dc.bounceDomain,
    selector: key.selector,
    algorithm: key.algorithm,
    dnsRecord: dkimDnsRecord(dc.bounceDomain, {
      selector: key.selector,
      algorithm: key.algorithm,
      publicKey: key.public_key,
    }),
    createdAt: iso(key.created_at)!,
  };
}
