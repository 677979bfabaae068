/**
 * SQLite's write-ahead log checkpoints on a thread of their own. By default the commit that takes
 * the log past 1,000 pages copies them into the database file and syncs both files, on the event
 * loop, while every delivery waits: in the delivery benchmark that commit is one in a few dozen,
 * and it is the slowest by far. Here the main connection checkpoints only as a backstop (at 8,000
 * pages, when the thread fell behind), and a worker thread with its own connection runs a PASSIVE
 * checkpoint every `everyMs` (readers and writers go on meanwhile), so the copying and syncing
 * use the machine's other core. Durability is SQLite's own: the checkpoint syncs the log before
 * copying and the database after, as the automatic one does with `synchronous = NORMAL`.
 *
 * If the thread cannot run (it fails to start or dies), the main connection goes back to
 * checkpointing itself, so the log never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
let timer;
const tick = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log >= workerData.restartFrames) {
      db.pragma('busy_timeout = 2000');
      try { db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 0'); }
    }
  } catch {}
  timer = setTimeout(tick, workerData.everyMs);
};
timer = setTimeout(tick, workerData.everyMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  process.exit(0);
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** A connection that checkpoints itself again (the thread is gone). */
type Fallback = () => void;

/**
 * A PASSIVE checkpoint never waits, so under a steady stream of commits it never catches up with
 * the last of them, and the log would grow for as long as the stream lasts (it starts again from
 * its beginning only once everything in it was copied). Past this many pages (16 MB) the thread
 * finishes the copy with a RESTART checkpoint: it holds writers back (they wait under their busy
 * timeout) for the few pages the PASSIVE one left, and the next commit starts the log anew.
 */
const RESTART_FRAMES = 4000;

export function startCheckpointer(path: string, fallback: Fallback, everyMs = 100): Checkpointer {
  let stopping = false;
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { driver: DRIVER, path, everyMs, restartFrames: RESTART_FRAMES },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => {
    worker.on('error', () => {
      if (!stopping) fallback();
    });
    worker.on('exit', () => {
      if (!stopping) fallback();
      resolve();
    });
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
