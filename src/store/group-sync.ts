/**
 * Group commit for fsync: callers that need their commits on disk share one fsync instead of
 * queueing one each. A caller arriving while an fsync is in flight cannot count on it (it may
 * have started before the caller's commit), so it waits for the next one, which starts once the
 * running one ends and serves everyone who arrived meanwhile. Each caller is answered only by an
 * fsync that began after it asked.
 */
export function groupSync(sync: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p = sync().finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
