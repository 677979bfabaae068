/**
 * An org's relays as the database has them at the moment a delivery is routed: never cached, so a
 * relay another process suspended, disabled or deleted is skipped from the next batch on. The read
 * is shared by the deliveries that ask while it is in flight (those claimed together), so a batch
 * costs one query per org, not one per delivery; once answered it is forgotten.
 */
import type { Kysely } from 'kysely';
import type { RelayCandidate } from '../domain/routing.js';
import { liveRelays } from '../store/repos/relay-health.js';
import type { Database, RelaysTable } from '../store/schema.js';

/** A relay as routing sees it, carrying its row: its cap, pace and settings need no second lookup. */
export interface RoutedRelay extends RelayCandidate {
  row: RelaysTable;
}

export interface OrgRelays {
  candidates: RoutedRelay[];
}

export class RelayStates {
  private inFlight = new Map<string, Promise<OrgRelays>>();

  constructor(private db: Kysely<Database>) {}

  read(orgId: string): Promise<OrgRelays> {
    const pending = this.inFlight.get(orgId);
    if (pending) return pending;
    const read = liveRelays(this.db, orgId).then((rows) => ({ candidates: rows.map(routedRelay) }));
    this.inFlight.set(orgId, read);
    const forget = () => {
      if (this.inFlight.get(orgId) === read) this.inFlight.delete(orgId);
    };
    read.then(forget, forget);
    return read;
  }
}

/** What routing needs of a relay row, and the row. */
function routedRelay(r: RelaysTable): RoutedRelay {
  return {
    row: r,
    id: r.id,
    domainId: r.domain_id,
    emailTypes: JSON.parse(r.email_types),
    priority: r.priority,
    enabled: r.enabled === 1,
    suspendedUntil: r.suspended_until,
  };
}
