/**
 * The databases every store and API test runs on: SQLite always, PostgreSQL too when
 * `MAILROUTE_TEST_DATABASE_URL` is set. Each PostgreSQL test app gets a schema of its own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export const pgUrl = process.env.MAILROUTE_TEST_DATABASE_URL;

export const dialects: TestDialect[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  /** The value for DATABASE_URL (undefined: SQLite in the data dir). */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { url: undefined, drop: async () => {} };
  if (!pgUrl) throw new Error('MAILROUTE_TEST_DATABASE_URL is not set');
  const schema = `mr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
