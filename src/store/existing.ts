/**
 * Whether the database a configuration names already holds a mailroute schema. Commands that work
 * on the server's data (everything but `start` and `migrate`) check this first, so a command run
 * with the wrong MAILROUTE_DATA_DIR or DATABASE_URL says where it looked instead of quietly creating
 * an empty database and a new master key.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseConfig } from '../config/load.js';

export async function holdsMailroute(config: DatabaseConfig): Promise<boolean> {
  if (config.kind === 'sqlite') return config.path === ':memory:' || existsSync(config.path);
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    const r = await client.query<{ t: string | null }>(
      `select to_regclass('mailroute_migrations')::text as t`,
    );
    return r.rows[0]?.t != null;
  } finally {
    await client.end();
  }
}

/** Where a configuration points, in words an operator can act on (never a password). */
export function databaseLocation(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return `the SQLite database ${config.path}`;
  const u = new URL(config.url);
  return `the PostgreSQL database ${u.host}${u.pathname} (DATABASE_URL)`;
}
