/**
 * Migration 0010 on a database that already has users and sessions: emails become unique per org
 * (the same email may then be a user of another org), every row and session is kept, and the
 * foreign keys still hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations/index.js';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/databases.js';

describe.each(dialects)('users unique per org, migrated on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dir = mkdtempSync(join(tmpdir(), 'mailroute-migration-'));
    store = openStore(
      dialect === 'sqlite'
        ? { kind: 'sqlite', path: join(dir, 'm.db') }
        : { kind: 'postgres', url: database.url! },
    );
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const user = (id: string, org: string, email: string) => ({
    id,
    org_id: org,
    email,
    name: id,
    role: 'admin' as const,
    password_hash: 'x',
    created_at: 1,
    updated_at: 1,
  });

  it('keeps every user and session and lets another org have the same email', async () => {
    const db = store.db;
    await migrateTo(db, '0009-signin-throttle');
    for (const id of ['org_a', 'org_b'])
      await db
        .insertInto('orgs')
        .values({ id, name: id, plan: 'standard', datacenter: 'dc1', created_at: 1 })
        .execute();
    await db
      .insertInto('users')
      .values([user('usr_1', 'org_a', 'ann@example.test'), user('usr_2', 'org_b', 'bob@example.test')])
      .execute();
    await db
      .insertInto('sessions')
      .values({ id: 'ses_1', user_id: 'usr_1', created_at: 1, expires_at: 2 })
      .execute();
    // Before: one email across all orgs.
    await expect(
      db
        .insertInto('users')
        .values(user('usr_3', 'org_b', 'ann@example.test'))
        .execute(),
    ).rejects.toThrow();

    expect(await migrateToLatest(db)).toContain('0010-user-email-per-org');

    expect(await db.selectFrom('users').select(['id', 'org_id', 'email']).orderBy('id').execute()).toEqual([
      { id: 'usr_1', org_id: 'org_a', email: 'ann@example.test' },
      { id: 'usr_2', org_id: 'org_b', email: 'bob@example.test' },
    ]);
    expect(await db.selectFrom('sessions').select(['id', 'user_id']).execute()).toEqual([
      { id: 'ses_1', user_id: 'usr_1' },
    ]);
    await db
      .insertInto('users')
      .values(user('usr_3', 'org_b', 'ann@example.test'))
      .execute();
    await expect(
      db
        .insertInto('users')
        .values(user('usr_4', 'org_a', 'ann@example.test'))
        .execute(),
    ).rejects.toThrow();
    // Foreign keys still hold: to orgs, and from sessions (with their cascade).
    await expect(
      db
        .insertInto('users')
        .values(user('usr_5', 'org_none', 'eve@example.test'))
        .execute(),
    ).rejects.toThrow();
    await db.deleteFrom('users').where('id', '=', 'usr_1').execute();
    expect(await db.selectFrom('sessions').select('id').execute()).toEqual([]);
  });
});
