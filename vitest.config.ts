import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most tests wait on sockets, child processes and timers, not the CPU: three forks keep two
    // cores busy.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
