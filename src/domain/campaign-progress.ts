/**
 * The progress of a mass email (campaign, issue 20) as pure rules: its deliveries counted by status
 * and by the kind of route they took. A delivery went by `relay` (one of the org's relays), by
 * `fallback` (the platform, because the org has relays and none could take it now) or by `platform`
 * (the platform because no relay is meant for this mail). It is `done` once nothing is left to send.
 * No imports but types and the status list: the console loads it too.
 */
import { type DeliveryStatus, deliveryStatuses } from './delivery-statuses.js';
import type { FallbackCause } from './route-reasons.js';

export const routeKinds = ['relay', 'fallback', 'platform'] as const;
export type RouteKind = (typeof routeKinds)[number];

/** The statuses that still have something to send. */
export const pendingStatuses = ['queued', 'sending', 'deferred'] as const satisfies readonly DeliveryStatus[];

/** The fallback cause that makes a platform delivery a fallback rather than the platform by design. */
export const fallbackCause: FallbackCause = 'none_could_take';

/** The kind of route of a delivery's last route (a relay id or `platform`); null before it had one. */
export function routeKindOf(route: string | null, fellBack: boolean): RouteKind | null {
  if (route === null) return null;
  if (route !== 'platform') return 'relay';
  return fellBack ? 'fallback' : 'platform';
}

/** One group of a message's deliveries, as the database counts them. */
export interface DeliveryGroup {
  status: DeliveryStatus;
  route: string | null;
  fellBack: boolean;
  count: number;
}

export interface CampaignCounts {
  total: number;
  /** Nothing left queued, sending or deferred. */
  done: boolean;
  statuses: Record<DeliveryStatus, number>;
  routes: Record<RouteKind, number>;
  /** Deliveries by relay id, for the relays that took some. */
  relays: Map<string, number>;
}

export function tally(groups: readonly DeliveryGroup[]): CampaignCounts {
  const statuses = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  const routes: Record<RouteKind, number> = { relay: 0, fallback: 0, platform: 0 };
  const relays = new Map<string, number>();
  let total = 0;
  for (const g of groups) {
    total += g.count;
    statuses[g.status] = (statuses[g.status] ?? 0) + g.count;
    const kind = routeKindOf(g.route, g.fellBack);
    if (kind) routes[kind] += g.count;
    if (kind === 'relay') relays.set(g.route!, (relays.get(g.route!) ?? 0) + g.count);
  }
  const done = pendingStatuses.every((s) => statuses[s] === 0);
  return { total, done, statuses, routes, relays };
}
