/**
 * The application context without servers or workers: configuration → database (migrated) →
 * secrets. `createApp` (main.ts) starts the parts on it; the command line's database commands need
 * only this, so they load none of the servers' libraries.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { PasswordHashing } from './auth/passwords.js';
import type { Config } from './config/load.js';
import type { AppContext } from './context.js';
import { createResolver, type DnsResolver } from './dns/resolver.js';
import { type Clock, systemClock } from './domain/clock.js';
import { AppError } from './domain/errors.js';
import { ProcessEvents } from './events.js';
import { createLogger } from './log.js';
import { loadMasterKey } from './secrets/master-key.js';
import { createSecrets } from './secrets/secrets.js';
import { openStore } from './store/db.js';
import { databaseLocation, holdsMailroute } from './store/existing.js';
import { octal, preparePrivateDir } from './store/file-modes.js';
import { migrateToLatest } from './store/migrations/index.js';

export interface ContextOptions {
  clock?: Clock;
  log?: Logger;
  dns?: DnsResolver;
  /**
   * Work only on a database that already holds mailroute (commands other than `start` and
   * `migrate`): refuse, naming where it looked, rather than create an empty one and a new key.
   */
  existing?: boolean;
  /**
   * scrypt's cost of new password hashes, for tests only (they hash hundreds of passwords); the
   * product never gives it, and no setting can lower the cost.
   */
  passwordHashing?: PasswordHashing;
}

/** Refuses a database that does not hold mailroute yet, or whose master key is missing. */
async function requireExisting(config: Config): Promise<void> {
  const where = `${databaseLocation(config.database)} (MAILROUTE_DATA_DIR=${config.dataDir})`;
  if (!(await holdsMailroute(config.database)))
    throw new AppError(
      'not_found',
      `no mailroute database at ${where}; point MAILROUTE_DATA_DIR or DATABASE_URL at the server's, or run \`mailroute migrate\` to create one`,
    );
  if (!config.masterKey && !existsSync(join(config.dataDir, 'master.key')))
    throw new AppError(
      'not_found',
      `the master key of ${where} is missing: set MAILROUTE_MASTER_KEY or restore ${join(config.dataDir, 'master.key')}; a new key could not read the stored secrets`,
    );
}

/** Opens the store and runs migrations; used by `start`, `migrate` and the database commands. */
export async function openContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLogger(config.logLevel);
  for (const w of config.warnings) log.warn({ event: 'config.warning' }, w);
  if (options.existing) await requireExisting(config);
  const dataDir = preparePrivateDir(config.dataDir);
  if (dataDir.looseMode !== undefined)
    log.warn(
      { event: 'data_dir.loose_mode', path: config.dataDir, mode: octal(dataDir.looseMode) },
      `the data directory is ${octal(dataDir.looseMode)}: other local users may read it; chmod 700 it`,
    );
  const master = loadMasterKey(config.masterKey, config.dataDir);
  if (master.origin === 'generated')
    log.warn({ event: 'secrets.key_generated', path: master.path }, 'generated a new master key; back it up');
  const store = openStore(config.database);
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length > 0)
      log.info({ event: 'db.migrated', applied, dialect: store.dialect }, 'database migrated');
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    config,
    store,
    secrets: createSecrets(master.key),
    clock: options.clock ?? systemClock,
    log,
    dns: options.dns ?? createResolver(config.dnsServers),
    events: new ProcessEvents(),
    ...(options.passwordHashing ? { passwordHashing: options.passwordHashing } : {}),
  };
}
