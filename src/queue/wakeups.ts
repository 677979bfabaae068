/**
 * Wake-ups between processes on PostgreSQL: when a process queues mail, every worker on every node
 * hears it at once (`NOTIFY`), so an idle worker need not ask the database every second whether
 * something fell due. That asking is not free: while a big mass email's intake transaction is open,
 * the next-due lookup walks every uncommitted row of it in the index (0.7 s per look at a million
 * rows, per worker process), competing with the intake for the same cores.
 *
 * The payload is the schema mailroute works in, so installations sharing one database (each in its
 * own schema) do not wake each other. A lost connection is retried with backoff; while it is down
 * the worker polls as before, and after it is back the worker looks once, for what it may have
 * missed. SQLite has one process per database (its workers are woken in process and over IPC).
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ProcessEvents } from '../events.js';
import type { Store } from '../store/db.js';

export const QUEUED_CHANNEL = 'mailroute_queued';
/** Mail queued in a burst (one API request after another) is announced at most this often. */
const ANNOUNCE_EVERY_MS = 50;
const RECONNECT_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Announces this process's "mail was queued" (and "an org's settings changed", which may let
 * waiting mail go) to every process of the installation, on a store whose processes can listen
 * (PostgreSQL). Returns the function that stops it.
 */
export function announceQueued(store: Store, events: ProcessEvents, log: Logger): () => void {
  if (!store.listen) return () => {};
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    last = performance.now();
    sql`select pg_notify(${QUEUED_CHANNEL}, current_schema())`
      .execute(store.db)
      .catch((err) => log.warn({ err, event: 'queue.announce_failed' }, 'telling other workers failed'));
  };
  const announce = () => {
    if (timer) return;
    const wait = last + ANNOUNCE_EVERY_MS - performance.now();
    if (wait <= 0) send();
    else timer = setTimeout(send, wait).unref();
  };
  const off = [events.onQueued(announce), events.onOrgChanged(announce)];
  return () => {
    for (const o of off) o();
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
}

export interface QueueWakeups {
  /** Whether announcements reach this process now (else the worker must poll). */
  live(): boolean;
  stop(): Promise<void>;
}

/**
 * Calls `onWake` for every announcement of this installation, and once each time the connection
 * is (re)established. Undefined on a store that cannot listen (SQLite).
 */
export function listenForQueued(store: Store, log: Logger, onWake: () => void): QueueWakeups | undefined {
  const listen = store.listen;
  if (!listen) return undefined;
  let close: (() => Promise<void>) | undefined;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    retry = undefined;
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
      const schema = rows[0]?.schema ?? '';
      const c = await listen(
        QUEUED_CHANNEL,
        (payload) => {
          if (payload === schema) onWake();
        },
        (err) => {
          close = undefined;
          lost(err);
        },
      );
      if (stopped) return void (await c());
      close = c;
      if (failures > 0)
        log.info({ event: 'queue.wakeups_restored' }, 'wake-ups from other processes work again');
      failures = 0;
      onWake();
    } catch (err) {
      lost(err as Error);
    }
  };
  const lost = (err: Error) => {
    if (stopped) return;
    const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)]!;
    if (failures === 0)
      log.warn(
        { err, event: 'queue.wakeups_lost' },
        'not hearing other processes queue mail: polling every second until the connection is back',
      );
    failures++;
    retry = setTimeout(() => void connect(), delay);
    retry.unref();
  };
  void connect();
  return {
    live: () => close !== undefined,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await close?.();
      close = undefined;
    },
  };
}
