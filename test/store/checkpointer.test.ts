// SQLite's checkpoints run on a thread of their own (`store/checkpointer.ts`): the main connection
// never copies the write-ahead log into the database file itself, the thread does, and the log
// starts again from its beginning instead of growing while commits keep coming.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';

const until = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

describe('checkpoints on a thread of their own', () => {
  it('copies committed pages into the database file while the main connection only commits', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mailroute-ckpt-')), 'x.db');
    const store = openStore({ kind: 'sqlite', path });
    try {
      const [auto] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db))
        .rows;
      // Only a backstop on the main connection; the thread checkpoints long before it.
      expect(auto?.wal_autocheckpoint).toBe(8000);
      await sql`create table t (v text)`.execute(store.db);
      const before = statSync(path).size;
      for (let i = 0; i < 200; i++) await sql`insert into t values (${'x'.repeat(4000)})`.execute(store.db);
      // 200 pages and more committed, far below the backstop: only the thread can have put them in
      // the database file.
      expect(await until(() => statSync(path).size >= before + 200 * 4096, 10_000)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('keeps the log from growing under a steady stream of commits', { timeout: 60_000 }, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mailroute-ckpt-')), 'x.db');
    const store = openStore({ kind: 'sqlite', path });
    try {
      await sql`create table t (v text)`.execute(store.db);
      // Over 100 MB through the log, a commit at a time, with the event loop turning in between.
      for (let i = 0; i < 25_000; i++) {
        await sql`insert into t values (${'x'.repeat(4000)})`.execute(store.db);
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      // The log file is reused from its start: it stays within a few times the restart threshold
      // (16 MB), far below what went through it.
      expect(statSync(`${path}-wal`).size).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await store.close();
    }
  });
});
