/**
 * Data centers as an org sees them (SPEC R22): its own first, then the others in configured order,
 * each with normalized ranges and their exports; and whether an address is in a data center's ranges.
 */
import type { AppContext } from '../context.js';
import { normalizeRanges, rangeContaining } from '../domain/cidr.js';
import { type ExportFormat, exportRanges } from '../domain/datacenter-exports.js';
import type { DataCenter } from '../domain/datacenters.js';
import { notFound } from '../domain/errors.js';
import type { ContainsResult, DataCenterView } from '../schemas/datacenters.js';
import { findOrg } from '../store/repos/orgs.js';

function viewOf(dc: DataCenter, current: boolean): DataCenterView {
  const ranges = normalizeRanges(dc.egress);
  return {
    id: dc.id,
    name: dc.name,
    bounceDomain: dc.bounceDomain,
    current,
    egress: [...dc.egress],
    ranges,
    exports: exportRanges(ranges),
  };
}

export async function listDataCenters(ctx: AppContext, orgId: string): Promise<DataCenterView[]> {
  const own = (await findOrg(ctx.store.db, orgId))?.datacenter;
  const views = ctx.config.dataCenters.map((dc) => viewOf(dc, dc.id === own));
  return [...views.filter((v) => v.current), ...views.filter((v) => !v.current)];
}

export function dataCenterById(ctx: AppContext, id: string): DataCenter {
  const dc = ctx.config.dataCenters.find((d) => d.id === id);
  if (!dc) throw notFound(`data center "${id}"`);
  return dc;
}

/** `ip` must already be a valid address (the request schema checks it). */
export function checkAddress(ctx: AppContext, id: string, ip: string): ContainsResult {
  const { ipv4, ipv6 } = normalizeRanges(dataCenterById(ctx, id).egress);
  const range = rangeContaining([...ipv4, ...ipv6], ip);
  return { ip, contains: range !== null, range };
}

export function exportDataCenter(ctx: AppContext, id: string, format: ExportFormat): string {
  return exportRanges(normalizeRanges(dataCenterById(ctx, id).egress))[format];
}
