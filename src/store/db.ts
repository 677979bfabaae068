/**
 * Opens the database: SQLite (better-sqlite3, WAL) by default, PostgreSQL for a postgres URL.
 * Both give the same `Kysely<Database>`; `dialect` lets the few dialect-specific queries branch
 * (row locks exist only on PostgreSQL).
 *
 * Durability on SQLite: `journal_mode=WAL` with `synchronous=NORMAL`, so ordinary commits (claims,
 * status changes) survive a crash of the process (`kill -9`) without waiting for the disk; and
 * `syncAccepted()` forces the write-ahead log to disk before mailroute answers that it accepted
 * mail, so accepted mail also survives a power loss. What a power loss can undo is at most the
 * latest status changes, which only means a delivery may be sent again. Submissions that wait at
 * the same time share one fsync (`group-sync.ts`). On PostgreSQL every
 * commit is durable already (`synchronous_commit`), and `syncAccepted()` does nothing.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/load.js';
import { preparePrivateDir, securePrivateDatabase } from './file-modes.js';
import { groupSync } from './group-sync.js';
import type { Database } from './schema.js';
import { CurrentSchemaPostgresDialect } from './schema-introspector.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  ping(): Promise<void>;
  /** Makes every commit so far durable against power loss (called before accepting mail). */
  syncAccepted(): Promise<void>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: a connection of its own that `LISTEN`s on `channel` and hands each
   * notification's payload to `onNotify`. `onLost` is called once if the connection fails (the
   * caller reconnects); the returned function closes it.
   */
  listen?(
    channel: string,
    onNotify: (payload: string) => void,
    onLost: (err: Error) => void,
  ): Promise<() => Promise<void>>;
}

const INT8 = 20;
const NUMERIC = 1700;

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === INT8 || oid === NUMERIC) return (v: string) => (v === null ? null : Number(v));
      return pg.types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

const STATEMENT_CACHE = 500;

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused. Caching the few
 * hundred distinct statements mailroute issues saves most of the cost of a query.
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** fsyncs the write-ahead log file (kept open; the file is reused, not replaced, by checkpoints). */
function walSyncer(path: string) {
  let handle: Promise<FileHandle> | undefined;
  return {
    async sync() {
      handle ??= open(path, 'r+');
      try {
        await (await handle).sync();
      } catch (err) {
        handle = undefined;
        throw err;
      }
    },
    async close() {
      const h = handle;
      handle = undefined;
      await (await h?.catch(() => undefined))?.close();
    },
  };
}

async function listenOn(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onLost: (err: Error) => void,
): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  // Until LISTEN has succeeded a failure is this function's rejection, never also `onLost`.
  let open = false;
  const lost = (err: Error) => {
    if (!open) return;
    open = false;
    client.end().catch(() => {});
    onLost(err);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('the connection closed')));
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify(n.payload ?? '');
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  open = true;
  return async () => {
    if (!open) return;
    open = false;
    await client.end().catch(() => {});
  };
}

export function openStore(config: DatabaseConfig): Store {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, types: pgTypes() });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries report their own errors.
    });
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      syncAccepted: async () => {},
      close: () => db.destroy(),
      listen: (channel, onNotify, onLost) => listenOn(config.url, channel, onNotify, onLost),
    };
  }
  if (config.path !== ':memory:') {
    preparePrivateDir(dirname(config.path));
    securePrivateDatabase(config.path);
  }
  const database = new SqliteDatabase(config.path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const wal = walSyncer(`${config.path}-wal`);
  // Concurrent submissions (API requests, SMTP sessions) share an fsync of the log.
  const syncWal = groupSync(() => wal.sync());
  return {
    db,
    dialect: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    syncAccepted: () => (config.path === ':memory:' ? Promise.resolve() : syncWal()),
    close: async () => {
      await db.destroy();
      await wal.close();
    },
  };
}
