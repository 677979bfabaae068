import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, waitFor } from '../helpers/cli.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('bin/mailroute', () => {
  it('stops at start-up on a wrong setting, naming the key and what is allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-cli-'));
    const r = await runCli(['start'], { MAILROUTE_DATA_DIR: dir, MAILROUTE_RELAY_HOSTS: 'sometimes' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MAILROUTE_RELAY_HOSTS: must be `any` or `public-only`');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrates, creates orgs and refuses a duplicate', async () => {
    const env = {
      MAILROUTE_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroute-cli-')),
      MAILROUTE_LOG_LEVEL: 'warn',
    };
    const m = await runCli(['migrate'], env);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('database is up to date (sqlite)');
    const c = await runCli(['org', 'create', 'acme', '--plan', 'top', '--timezone', 'Europe/Paris'], env);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ name: 'acme', plan: 'top', datacenter: 'local' });
    const dup = await runCli(['org', 'create', 'acme'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('org "acme" already exists');
  });

  it('starts on the embedded default and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-cli-'));
    const proc = startCli(['start'], { MAILROUTE_DATA_DIR: dir, MAILROUTE_HTTP_PORT: String(port) });
    try {
      const ready = await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        return res.ok ? res.json() : undefined;
      });
      expect(ready).toEqual({ status: 'ready' });
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const lines = proc
        .output()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.event)).toEqual(
        expect.arrayContaining([
          'secrets.key_generated',
          'db.migrated',
          'http.listening',
          'process.stopping',
          'process.stopped',
        ]),
      );
    } finally {
      proc.child.kill('SIGKILL');
    }
  });
});
