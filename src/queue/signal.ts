/**
 * In-process signals: intake says "something was queued" so an idle worker starts at once, and
 * admin changes say "this org's settings changed" so routing drops what it cached. (Other
 * processes see such changes within their one-second cache; relays are read from the database for
 * every batch, so a relay's state needs no signal.)
 */
export class QueueSignal {
  private queuedListeners = new Set<() => void>();
  private orgListeners = new Set<(orgId: string) => void>();

  notify(): void {
    for (const l of this.queuedListeners) l();
  }

  subscribe(listener: () => void): () => void {
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
