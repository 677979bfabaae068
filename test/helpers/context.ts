/**
 * An application context without HTTP or workers, for store and queue tests: a fresh data
 * directory, the dialect's test database, a TestClock and a silent logger.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { AppContext } from '../../src/context.js';
import { createLogger } from '../../src/log.js';
import { openContext } from '../../src/main.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDialect } from './databases.js';

export interface TestContext {
  ctx: AppContext;
  clock: TestClock;
  close(): Promise<void>;
}

export async function openTestContext(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<TestContext> {
  const database = await createTestDatabase(dialect);
  const clock = new TestClock();
  const config = loadConfig({
    MAILROUTE_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroute-ctx-')),
    ...env,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const ctx = await openContext(config, { clock, log: createLogger('silent') });
  return {
    ctx,
    clock,
    async close() {
      await ctx.store.close();
      await database.drop();
    },
  };
}
