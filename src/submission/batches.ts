/**
 * Group commit for the submission port: the messages whose DATA ends while earlier ones are being
 * written wait for the next batch, and each batch is written as one (one transaction, one sync of
 * the log). Nothing waits when the port is quiet: a message that finds no batch running starts
 * one at once. At most `inFlight` batches run at a time (a batch's sync can overlap the next one's
 * writing), each of at most `max` messages.
 */
export function batches<T, R>(
  run: (items: T[]) => Promise<R[]>,
  opts: { max: number; inFlight: number },
): (item: T) => Promise<R> {
  type Waiting = { item: T; resolve: (r: R) => void; reject: (err: unknown) => void };
  const pending: Waiting[] = [];
  let running = 0;
  const next = () => {
    while (running < opts.inFlight && pending.length > 0) {
      const batch = pending.splice(0, opts.max);
      running++;
      run(batch.map((w) => w.item))
        .then(
          (out) => {
            for (const [i, w] of batch.entries()) w.resolve(out[i]!);
          },
          (err) => {
            for (const w of batch) w.reject(err);
          },
        )
        .finally(() => {
          running--;
          next();
        });
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      next();
    });
}
