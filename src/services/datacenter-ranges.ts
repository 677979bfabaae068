/** The egress ranges of an org's data center, as relays must allow-list them. */
import { normalizeRanges } from '../domain/cidr.js';
import type { DataCenter } from '../domain/datacenters.js';

/** The normalized (merged, deduplicated) ranges, IPv4 first. */
export function egressRangesOf(dataCenters: readonly DataCenter[], id: string | undefined): string[] {
  const dc = dataCenters.find((d) => d.id === id) ?? dataCenters[0];
  if (!dc) return [];
  const { ipv4, ipv6 } = normalizeRanges(dc.egress);
  return [...ipv4, ...ipv6];
}
