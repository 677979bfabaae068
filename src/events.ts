/**
 * The process's event bus: intake says "something was queued" so an idle worker starts at once, and
 * admin changes say "this org's settings changed" so routing drops what it cached. Worker processes
 * relay both to and from their parent (worker-processes.ts). Relays' state (suspension, failure
 * count) is read from the database for every batch, never from these events.
 */
export class ProcessEvents {
  private queuedListeners = new Set<() => void>();
  private orgListeners = new Set<(orgId: string) => void>();

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
