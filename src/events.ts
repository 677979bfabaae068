/**
 * The process's event bus: intake says "something was queued" so an idle worker starts at once, and
 * admin changes say "this org's settings changed" so routing drops what it cached. Worker processes
 * relay both to and from their parent (worker-processes.ts). Relays' state (suspension, failure
 * count) is read from the database for every batch, never from these events. A worker of this
 * process may also offer to take deliveries straight from intake (`DeliveryTaker`).
 */
import type { DeliveriesTable, MessagesTable } from './store/schema.js';

/** A delivery that intake queued already claimed for a worker of this process, with its message. */
export interface HandedDelivery {
  delivery: DeliveriesTable;
  message: MessagesTable;
}

/**
 * Free slots of a worker, held for an intake transaction: the intake writes up to `n` of its new
 * deliveries as `sending`, leased to `owner` until `leaseMs` after the transaction's time (as a
 * claim would), and after the commit hands exactly those to `start`; or gives the slots back with
 * `cancel` when it wrote none. One of the two is called once.
 */
export interface TakerSlots {
  readonly owner: string;
  readonly n: number;
  readonly leaseMs: number;
  start(handed: HandedDelivery[]): void;
  cancel(): void;
}

/** A worker of this process that takes just-queued deliveries without claiming them back. */
export interface DeliveryTaker {
  /** Up to `n` slots, or undefined when it has none free or may have older mail to claim first. */
  reserve(n: number): TakerSlots | undefined;
}

export class ProcessEvents {
  private queuedListeners = new Set<() => void>();
  private orgListeners = new Set<(orgId: string) => void>();
  private localTaker: DeliveryTaker | undefined;

  /** The worker of this process that takes deliveries from intake, if any. */
  taker(): DeliveryTaker | undefined {
    return this.localTaker;
  }

  /** Offers `t` to intake until the returned function is called. */
  offerTaker(t: DeliveryTaker): () => void {
    this.localTaker = t;
    return () => {
      if (this.localTaker === t) this.localTaker = undefined;
    };
  }

  queued(): void {
    for (const l of this.queuedListeners) l();
  }

  onQueued(listener: () => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  orgChanged(orgId: string): void {
    for (const l of this.orgListeners) l(orgId);
  }

  onOrgChanged(listener: (orgId: string) => void): () => void {
    this.orgListeners.add(listener);
    return () => this.orgListeners.delete(listener);
  }
}
