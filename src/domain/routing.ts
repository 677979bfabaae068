/**
 * Route choice (SPEC R8–R10): a delivery's candidate relays are those of the From domain that take
 * its email type, are enabled, not suspended, not deleted, and not yet tried in this round;
 * lowest `priority` first, round robin among equals. Caps are claimed by the caller, atomically,
 * in this order; when no relay can take the delivery it goes to platform delivery.
 */
import type { EmailType } from './email-types.js';
import type { RelayReason } from './route-reasons.js';

export interface RelayCandidate {
  id: string;
  domainId: string;
  emailTypes: readonly EmailType[];
  priority: number;
  enabled: boolean;
  suspendedUntil: number | null;
}

export interface RouteQuery {
  domainId: string | undefined;
  type: EmailType | 'system';
  now: number;
  tried: ReadonlySet<string>;
  /** A rotating counter; the caller advances it so equal-priority relays share the load. */
  turn: number;
}

/**
 * Relays to try, in order. `system` mail (mailroute's own notices) never uses relays. The caller's
 * candidates come back as they went in, so whatever they carry (caps, pace) needs no second lookup.
 */
export function candidateRelays<C extends RelayCandidate>(relays: readonly C[], q: RouteQuery): C[] {
  if (q.type === 'system' || q.domainId === undefined) return [];
  const usable = relays.filter(
    (r) =>
      r.domainId === q.domainId &&
      r.enabled &&
      r.emailTypes.includes(q.type as EmailType) &&
      !(r.suspendedUntil !== null && r.suspendedUntil > q.now) &&
      !q.tried.has(r.id),
  );
  const byPriority = new Map<number, C[]>();
  for (const r of usable) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  return [...byPriority.keys()]
    .sort((a, b) => a - b)
    .flatMap((p) => {
      const group = byPriority.get(p)!.sort((a, b) => (a.id < b.id ? -1 : 1));
      const shift = q.turn % group.length;
      return [...group.slice(shift), ...group.slice(0, shift)];
    });
}

/**
 * The org's relays that `candidateRelays` leaves out, each with why (issue 19): another From domain,
 * the type not selected, disabled, suspended until a time, or already tried in this round. The
 * first that applies is given. `system` mail and an unknown domain leave out every relay.
 */
export function passedOver(relays: readonly RelayCandidate[], q: RouteQuery): RelayReason[] {
  const out: RelayReason[] = [];
  for (const r of relays) {
    const relay = r.id;
    if (q.type === 'system' || q.domainId === undefined || r.domainId !== q.domainId)
      out.push({ relay, code: 'other_domain' });
    else if (!r.emailTypes.includes(q.type)) out.push({ relay, code: 'type_off', type: q.type });
    else if (!r.enabled) out.push({ relay, code: 'disabled' });
    else if (r.suspendedUntil !== null && r.suspendedUntil > q.now)
      out.push({ relay, code: 'suspended', until: new Date(r.suspendedUntil).toISOString() });
    else if (q.tried.has(relay)) out.push({ relay, code: 'tried' });
  }
  return out;
}

/** Whether the org has any relay for this mail at all (usable now or not). */
export function hasRelaysFor(
  relays: readonly RelayCandidate[],
  q: Pick<RouteQuery, 'domainId' | 'type'>,
): boolean {
  if (q.type === 'system' || q.domainId === undefined) return false;
  return relays.some((r) => r.domainId === q.domainId && r.emailTypes.includes(q.type as EmailType));
}

/**
 * Where a delivery goes when no relay sent it, after every candidate was tried in order (R9, R12):
 * platform delivery, unless the org keeps mail on its relays (`relayFallback: "retry"`) and has
 * relays for this mail (none usable now, caps reached, or all failed); then it waits for a retry.
 */
export function whenNoRelaySent(
  relayFallback: 'platform' | 'retry',
  hasRelays: boolean,
): 'platform' | 'retry' {
  return relayFallback === 'retry' && hasRelays ? 'retry' : 'platform';
}

/** Queue priority by type (R9b): individual and system first, then workflow, then mass. */
export function typePriority(type: EmailType | 'system'): number {
  return type === 'mass' ? 2 : type === 'workflow' ? 1 : 0;
}
