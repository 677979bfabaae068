/** What every service receives: configuration, storage, secrets, the clock and the logger. */
import type { Logger } from 'pino';
import type { PasswordHashing } from './auth/passwords.js';
import type { Config } from './config/load.js';
import type { DnsResolver } from './dns/resolver.js';
import type { Clock } from './domain/clock.js';
import type { ProcessEvents } from './events.js';
import type { Secrets } from './secrets/secrets.js';
import type { Store } from './store/db.js';

export interface AppContext {
  config: Config;
  store: Store;
  secrets: Secrets;
  clock: Clock;
  dns: DnsResolver;
  /** The event bus: mail queued (idle workers start at once), an org's relays or settings changed. */
  events: ProcessEvents;
  log: Logger;
  /** scrypt's cost of new password hashes; unset, the product's (only tests give a lower one). */
  passwordHashing?: PasswordHashing;
  /** What this process listens on, once started (the console tells applications where to submit). */
  listening?: { submission?: { port: number | undefined; tlsPort: number | undefined } };
}
