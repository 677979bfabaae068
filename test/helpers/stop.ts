/**
 * Stopping workers in tests without waiting out their poll interval. `Worker.stop()` wakes the
 * loop once; a stop that comes while the loop is between a claim and its next sleep (a query in
 * flight, which on PostgreSQL is often) finds nothing to wake, so the loop then sleeps a whole poll
 * (a second by default, a minute where a test polls slowly) before it sees the stop. Waking the
 * worker until it has stopped ends that wait; what the tests check is unchanged.
 */

interface Wakeable {
  wake(): void;
}

async function nudging(done: Promise<void>, worker: () => Wakeable | undefined): Promise<void> {
  const nudge = setInterval(() => worker()?.wake(), 10);
  try {
    await done;
  } finally {
    clearInterval(nudge);
  }
}

export function stopWorker(worker: Wakeable & { stop(): Promise<void> }): Promise<void> {
  return nudging(worker.stop(), () => worker);
}

/** Closes an app (HTTP, listeners, worker, store) the same way. */
export function closeApp(app: { close(): Promise<void>; worker: Wakeable | undefined }): Promise<void> {
  return nudging(app.close(), () => app.worker);
}
