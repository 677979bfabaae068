/** What every service receives: configuration, storage, secrets, the clock and the logger. */
import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import type { DnsResolver } from './dns/resolver.js';
import type { Clock } from './domain/clock.js';
import type { QueueSignal } from './queue/signal.js';
import type { Secrets } from './secrets/secrets.js';
import type { Store } from './store/db.js';

export interface AppContext {
  config: Config;
  store: Store;
  secrets: Secrets;
  clock: Clock;
  dns: DnsResolver;
  /** Told when mail was queued, so idle workers start at once. */
  queue: QueueSignal;
  log: Logger;
}
