/**
 * What mailroute leaves on disk (issue 14, point 9), after a real start: a data directory it
 * creates is 0700; the SQLite database and its `-wal` and `-shm` files are 0600; an existing data
 * directory that others may read is reported in the log, and a loose database is narrowed.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('file modes of the data directory and the SQLite database', () => {
  let root: string;
  let dataDir: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mailroute-modes-'));
    dataDir = join(root, 'var', 'mailroute');
    // The usual umask, which alone would give 0755 and 0644.
    process.umask(0o022);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const start = () => startTestApp('sqlite', { MAILROUTE_DATA_DIR: dataDir });
  /** Writes a row, so the write-ahead log and its index exist. */
  const write = (t: TestApp) => t.call('POST', '/api/v1/api-keys', { name: 'touch', role: 'send' });

  it('creates the data directory 0700 and the database, -wal and -shm 0600', async () => {
    const t = await start();
    try {
      expect((await write(t)).status).toBe(201);
      expect(modeOf(dataDir)).toBe('700');
      for (const file of ['mailroute.db', 'mailroute.db-wal', 'mailroute.db-shm', 'master.key']) {
        expect(existsSync(join(dataDir, file)), file).toBe(true);
        expect(modeOf(join(dataDir, file)), file).toBe('600');
      }
      expect(t.logs.join('')).not.toContain('data_dir.loose_mode');
    } finally {
      await t.close();
    }
  });

  it('warns about an existing data directory others may read, and narrows a loose database', async () => {
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'mailroute.db'), 0o644);
    const t = await start();
    try {
      expect((await write(t)).status).toBe(201);
      const warning = t.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'data_dir.loose_mode');
      expect(warning).toMatchObject({ level: 40, path: dataDir, mode: '0755' });
      expect(modeOf(dataDir)).toBe('755');
      for (const file of ['mailroute.db', 'mailroute.db-wal', 'mailroute.db-shm']) {
        expect(modeOf(join(dataDir, file)), file).toBe('600');
      }
    } finally {
      await t.close();
    }
  });
});

describe.each(dialects)('the data directory on %s', (dialect) => {
  let root: string;
  let t: TestApp;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mailroute-modes-'));
    t = await startTestApp(dialect, { MAILROUTE_DATA_DIR: join(root, 'data') });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('is created 0700 with the master key 0600 in it', () => {
    expect(modeOf(join(root, 'data'))).toBe('700');
    expect(modeOf(join(root, 'data', 'master.key'))).toBe('600');
  });
});
