/**
 * The engine's one handle on issue 21's limits: relay connection and rate limits shared by every
 * worker process (`relay-gate.ts`), and destination shaping on direct delivery
 * (`destination-gate.ts`), over one set of connection leases and rate slots in the database.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { ShapingRule } from '../domain/shaping.js';
import type { RelaysTable } from '../store/schema.js';
import type { SmtpPools } from '../transports/smtp-pools.js';
import { ConnectionLeases } from './connection-leases.js';
import { DestinationGate, type Gate } from './destination-gate.js';
import type { AttemptResult } from './outcome.js';
import { RelayGate } from './relay-gate.js';
import { SharedRate } from './shared-rate.js';

export type { Gate } from './destination-gate.js';

type RelayLimits = Pick<RelaysTable, 'id' | 'max_connections' | 'rate_limit_per_minute'>;

export class Shaping {
  private leases: ConnectionLeases;
  private relays: RelayGate | undefined;
  private destinations: DestinationGate;

  constructor(
    ctx: AppContext,
    private pools: SmtpPools,
    owner: string,
  ) {
    this.leases = new ConnectionLeases(ctx.store.db, pools, `${owner}:${randomUUID().slice(0, 8)}`);
    const rate = new SharedRate(ctx.store.db);
    this.relays = ctx.config.sharedLimits ? new RelayGate(this.leases, rate) : undefined;
    this.destinations = new DestinationGate(ctx, pools, this.leases, rate);
  }

  /** The relay as the per-process pace sees it: without its rate when the rate is shared. */
  paced<R extends RelayLimits>(relay: R): R {
    return this.relays && relay.rate_limit_per_minute !== null
      ? { ...relay, rate_limit_per_minute: null }
      : relay;
  }

  relay(relay: RelayLimits, now: number): Promise<Gate> | Gate {
    return this.relays ? this.relays.admit(relay, now) : RelayGate.unshared(this.pools);
  }

  destination(domain: string, now: number): Promise<Gate> {
    return this.destinations.admit(domain, now);
  }

  pushback(rule: ShapingRule, result: AttemptResult, now: number): Promise<number | undefined> {
    return this.destinations.pushback(rule, result, now);
  }

  close(): Promise<void> {
    return this.leases.close();
  }
}
