/**
 * A transaction that will write, begun as the writer on SQLite (`begin immediate`). One begun as a
 * reader that writes later fails at once with SQLITE_BUSY when another process (a worker) wrote in
 * between: the busy timeout does not cover that upgrade. Begun as the writer, it waits its turn
 * under the busy timeout instead. On PostgreSQL it is an ordinary transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Store } from './db.js';
import type { Database } from './schema.js';

export async function writeTransaction<T>(
  store: Store,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (store.dialect !== 'sqlite') return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    }
    await sql`commit`.execute(conn);
    return result;
  });
}
