/**
 * An org's relays as the database has them at the moment a delivery is routed: never cached, so a
 * relay another process suspended, disabled or deleted is skipped from the next batch on. The read
 * is shared by the deliveries that ask while it is in flight, and by those of one claimed batch, so
 * a batch costs one query per org, not one per delivery; once the batch is done it is forgotten.
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

const BATCH_READ_MS = 1000;

export class RelayStates {
  private inFlight = new Map<string, Promise<OrgRelays>>();

  constructor(private db: Kysely<Database>) {}

  /** Reads of a claimed batch whose deliveries start one by one (`batch`: the claim's rows). */
  private ofBatch = new WeakMap<object, Map<string, { read: Promise<OrgRelays>; at: number }>>();

  /**
   * `batch` (the array of a claim): deliveries of one claimed batch share one read even when they
   * start one after another, as slots free up (`worker.ts` claims a batch ahead of its free slots),
   * for a second at most: a batch that drains slowly reads again.
   */
  read(orgId: string, batch?: object): Promise<OrgRelays> {
    if (batch) {
      let reads = this.ofBatch.get(batch);
      if (!reads) {
        reads = new Map();
        this.ofBatch.set(batch, reads);
      }
      const hit = reads.get(orgId);
      if (hit && Date.now() - hit.at < BATCH_READ_MS) return hit.read;
      const read = this.read(orgId);
      const entry = { read, at: Date.now() };
      reads.set(orgId, entry);
      read.catch(() => reads.get(orgId) === entry && reads.delete(orgId));
      return read;
    }
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
