import { readdirSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Unit test files that must keep a fresh module graph of their own: they start servers or child
 * processes (clamd, the DNS server), or set state of a shared module that another file reads
 * (the i18next instance and the console's time zone, the ordered-id sequence under a mocked
 * Date.now).
 */
const ISOLATED_UNIT = [
  'clamd.test.ts',
  'dkim-sign.test.ts',
  'coded-checks.test.ts',
  'console-times.test.ts',
  'ordered-ids.test.ts',
];

/**
 * The other unit files check pure functions (no IO, no servers, no database, no module state that
 * outlives a file): one thread runs them all with one module graph, instead of a fresh process
 * importing the same modules again for each. A unit file that starts a server, touches the
 * metrics registry or a database, or sets module state goes in ISOLATED_UNIT.
 */
const SHARED_UNIT = readdirSync(new URL('./test/unit/', import.meta.url))
  .filter((f) => f.endsWith('.test.ts') && !ISOLATED_UNIT.includes(f))
  .map((f) => `test/unit/${f}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    poolOptions: {
      // Most tests wait on sockets, child processes and timers, not the CPU: three forks keep two
      // cores busy.
      forks: { maxForks: 3, minForks: 1 },
      // The shared unit files: one thread, beside the forks, never isolated.
      threads: { isolate: false, singleThread: true, maxThreads: 1, minThreads: 1 },
    },
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: SHARED_UNIT,
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SHARED_UNIT],
        },
      },
    ],
  },
});
