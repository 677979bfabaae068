/**
 * A relay's `maxConnections` and `rateLimitPerMinute` across every worker process (issue 21): a
 * connection lease under its connection limit, then a send under its rate, both in the database.
 * With `MAILROUTE_SHARED_LIMITS=off` each process keeps its own (the pool's connections and
 * `relay-pace.ts`), as before.
 */
import type { RelaysTable } from '../store/schema.js';
import type { SendPools } from '../transports/smtp-pools.js';
import type { ConnectionLeases } from './connection-leases.js';
import type { Gate } from './destination-gate.js';
import type { SharedRate } from './shared-rate.js';

/** When a relay's connections are all taken by other processes, come back after this long. */
const BUSY_WAIT_MS = 1_000;

export const relayKeys = (id: string) => ({ conn: `conn:relay:${id}`, rate: `rate:relay:${id}` });

export class RelayGate {
  constructor(
    private leases: ConnectionLeases,
    private rate: SharedRate,
  ) {}

  async admit(
    relay: Pick<RelaysTable, 'id' | 'max_connections' | 'rate_limit_per_minute'>,
    now: number,
  ): Promise<Gate> {
    const keys = relayKeys(relay.id);
    const lease = await this.leases.acquire(keys.conn, relay.max_connections, Number.POSITIVE_INFINITY);
    if (!lease) return { kind: 'wait', until: now + BUSY_WAIT_MS, cause: 'connections' };
    if (relay.rate_limit_per_minute !== null) {
      const at = await this.rate.take(keys.rate, relay.rate_limit_per_minute, now);
      if (at > now) {
        lease.release();
        return { kind: 'wait', until: at, cause: 'rate' };
      }
    }
    return { kind: 'open', pools: lease.pools, release: lease.release };
  }

  /** The relay's pool, unshared (`MAILROUTE_SHARED_LIMITS=off`). */
  static unshared(pools: SendPools): Gate {
    return { kind: 'open', pools, release: () => undefined };
  }
}
