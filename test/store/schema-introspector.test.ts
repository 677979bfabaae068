// What the migrator learns of a PostgreSQL database: only mailroute's own schema, so that other
// sessions creating and dropping schemas meanwhile (the tests' own, or another application's)
// neither slow nor break mailroute's start-up.
import { randomBytes } from 'node:crypto';
import { PostgresIntrospector } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { createTestDatabase, pgUrl, type TestDatabase } from '../helpers/databases.js';

describe.skipIf(!pgUrl)('the schema mailroute works in, on PostgreSQL', () => {
  let database: TestDatabase;
  let store: Store;
  let other: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    other = await createTestDatabase('postgres');
    store = openStore({ kind: 'postgres', url: database.url! });
    admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(
      `create table ${new URL(other.url!).searchParams.get('options')!.split('=')[1]}.elsewhere (id int)`,
    );
  });
  afterAll(async () => {
    await admin.end();
    await store.close();
    await database.drop();
    await other.drop();
  });

  it('lists the tables of its own schema only, with their columns', async () => {
    await migrateToLatest(store.db);
    const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
    const names = tables.map((t) => t.name);
    expect(names).toContain('deliveries');
    expect(names).toContain('mailroute_migrations');
    expect(names).not.toContain('elsewhere');
    expect(new Set(tables.map((t) => t.schema)).size).toBe(1);
    const deliveries = tables.find((t) => t.name === 'deliveries')!;
    expect(deliveries.isView).toBe(false);
    expect(deliveries.columns.find((c) => c.name === 'id')).toMatchObject({ isNullable: false });
    // Kysely's own introspector sees the other schema's table too.
    const all = await new PostgresIntrospector(store.db).getTables();
    expect(all.map((t) => t.name)).toContain('elsewhere');
  });

  it('migrates while other sessions create and drop schemas', async () => {
    let stop = false;
    const churn = (async () => {
      let n = 0;
      while (!stop) {
        const s = `mr_churn_${randomBytes(4).toString('hex')}`;
        await admin.query(`create schema ${s}; create table ${s}.t (a int, b text)`);
        await admin.query(`drop schema ${s} cascade`);
        n++;
      }
      return n;
    })();
    try {
      for (let i = 0; i < 40; i++) expect(await migrateToLatest(store.db)).toEqual([]);
    } finally {
      stop = true;
    }
    expect(await churn).toBeGreaterThan(0);
  });
});
