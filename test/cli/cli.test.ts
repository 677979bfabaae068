import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { openContext } from '../../src/main.js';
import { createDomain } from '../../src/services/domains.js';
import { bootstrap } from '../../src/services/orgs.js';
import { createRelay } from '../../src/services/relays.js';
import { runCli, startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

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

  it.each(dialects)(
    'refuses, on %s, to create a database for a command that needs the server’s',
    async (dialect) => {
      const dir = mkdtempSync(join(tmpdir(), 'mailroute-cli-'));
      const db = await createTestDatabase(dialect);
      const env: Record<string, string> = { MAILROUTE_DATA_DIR: dir, MAILROUTE_LOG_LEVEL: 'warn' };
      if (db.url) env.DATABASE_URL = db.url;
      try {
        for (const args of [
          ['relay', 'test', 'rly_x'],
          ['org', 'create', 'acme'],
          ['dns', 'platform-key'],
        ]) {
          const r = await runCli(args, env);
          expect(r.code, args.join(' ')).toBe(1);
          expect(r.stderr).toContain('no mailroute database at');
          expect(r.stderr).toContain(`MAILROUTE_DATA_DIR=${dir}`);
          expect(r.stderr).toContain(dialect === 'sqlite' ? join(dir, 'mailroute.db') : 'DATABASE_URL');
          if (db.url) expect(r.stderr).not.toContain(new URL(db.url).password || 'never-a-password');
        }
        expect(readdirSync(dir)).toEqual([]);
        // `migrate` creates it; then the same command finds it.
        expect((await runCli(['migrate'], env)).code).toBe(0);
        expect((await runCli(['org', 'create', 'acme'], env)).code).toBe(0);
      } finally {
        await db.drop();
      }
    },
  );

  it('refuses a database whose master key is missing, rather than make a key that cannot read it', async () => {
    const env = {
      MAILROUTE_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroute-cli-')),
      MAILROUTE_LOG_LEVEL: 'warn',
    };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const key = join(env.MAILROUTE_DATA_DIR, 'master.key');
    rmSync(key);
    const r = await runCli(['org', 'create', 'acme'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('master key');
    expect(r.stderr).toContain(key);
    expect(existsSync(key)).toBe(false);
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
    const proc = startCli(['start'], {
      MAILROUTE_DATA_DIR: dir,
      MAILROUTE_HTTP_PORT: String(port),
      MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
    });
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

describe('bin/mailroute relay test', () => {
  it('prints each step of the test connection and exits 0 when the relay takes mail', async () => {
    const env = {
      MAILROUTE_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroute-cli-')),
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_LOG_LEVEL: 'warn',
    };
    const server = await startSmtpServer({ mode: 'plain' });
    const ctx = await openContext(loadConfig(env), { log: createLogger('silent') });
    let relayId: string;
    try {
      const org = await bootstrap(ctx);
      const actor = {
        kind: 'user' as const,
        id: 'usr_cli',
        orgId: org.id,
        role: 'admin' as const,
        label: 'cli test',
      };
      const domain = await createDomain(ctx, actor, { name: 'sakura.com', dkimAlgorithm: 'ed25519' });
      const relay = await createRelay(ctx, actor, {
        name: 'plain',
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        verifyCertificate: true,
        caCertificate: null,
        dailyLimit: 10,
        domainId: domain.id,
        emailTypes: ['mass'],
        dkimSigning: true,
        bounceHandling: { mode: 'platform', fixedReturnPath: false },
        authentication: { type: 'none' },
        priority: 1,
        maxConnections: 1,
        rateLimitPerMinute: null,
        enabled: true,
      });
      relayId = relay.id;
    } finally {
      await ctx.store.close();
    }
    try {
      const text = await runCli(['relay', 'test', relayId], env);
      expect(text.code, text.stdout + text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^ok {3}dns/m);
      expect(text.stdout).toMatch(/^ok {3}mail/m);
      expect(text.stdout).toContain('the relay accepts mail from mailroute');
      const json = await runCli(['relay', 'test', relayId, '--json'], env);
      expect(JSON.parse(json.stdout).steps.map((s: { step: string }) => s.step)).toEqual([
        'dns',
        'tcp',
        'ehlo',
        'mail',
      ]);
      await server.close();
      const down = await runCli(['relay', 'test', relayId, '--lang', 'ja'], env);
      expect(down.code).toBe(1);
      expect(down.stdout).toMatch(/^FAIL tcp/m);
      expect((await runCli(['relay', 'test', 'rly_missing'], env)).stderr).toContain(
        'relay rly_missing not found',
      );
    } finally {
      await server.close().catch(() => {});
    }
  });
});
