// Handing an org over from the command line, against a running `bin/mailroute start`: the printed
// password signs in over HTTP and sees only its org; the printed key works; `org disable` refuses
// both at once and holds the org's queued mail (a loopback sink receives nothing), `org enable`
// sends it.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

const DEFAULT_KEY = 'handover-test-default-admin-key-0123';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.each(dialects)('bin/mailroute org handover on %s', (dialect) => {
  it('gives the org an admin and a key, and disabling holds it until it is enabled', async () => {
    const database = await createTestDatabase(dialect);
    const sink = await startSmtpServer({ mode: 'plain' });
    const port = await freePort();
    const env: Record<string, string> = {
      MAILROUTE_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroute-handover-')),
      MAILROUTE_HTTP_PORT: String(port),
      MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
      MAILROUTE_BOOTSTRAP_API_KEY: DEFAULT_KEY,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
      MAILROUTE_RELAY_HOSTS: 'any',
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_WORKER_PROCESSES: '1',
      MAILROUTE_LOG_LEVEL: 'warn',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const base = `http://127.0.0.1:${port}`;
    const call = async (
      method: string,
      path: string,
      auth: { key?: string; cookie?: string },
      body?: unknown,
    ) => {
      const headers: Record<string, string> = {};
      if (auth.key) headers.authorization = `Bearer ${auth.key}`;
      if (auth.cookie) headers.cookie = auth.cookie;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any, headers: res.headers };
    };
    const cli = async (...args: string[]) => {
      const r = await runCli(args, env);
      expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r;
    };
    const received = (to: string) =>
      sink.received.messages.filter((m) => m.toString().includes(`To: ${to}`)).length;

    const proc = startCli(['start'], env);
    try {
      await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));
      // The default org has a domain and a relay the new org must never see.
      const sakura = await call('POST', '/api/v1/domains', { key: DEFAULT_KEY }, { name: 'sakura.com' });
      expect(sakura.status).toBe(201);
      const relay = await call(
        'POST',
        '/api/v1/relays',
        { key: DEFAULT_KEY },
        {
          name: 'default relay',
          host: '127.0.0.1',
          port: sink.port,
          security: 'none',
          dailyLimit: 10,
          domainId: sakura.body.id,
          emailTypes: ['mass'],
        },
      );
      expect(relay.status, JSON.stringify(relay.body)).toBe(201);

      const created = await cli('org', 'create', 'acme', '--admin-email', 'Owner@Acme.test', '--api-key');
      const acme = JSON.parse(created.stdout);
      expect(acme).toMatchObject({ name: 'acme', admin: { email: 'owner@acme.test' } });
      expect(acme.admin.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(acme.apiKey.key).toMatch(/^mr_/);
      expect(created.stderr).toContain('shown only now');
      const key = acme.apiKey.key as string;

      // The printed password signs in over HTTP, into acme.
      const login = await call(
        'POST',
        '/api/auth/login',
        {},
        { email: 'owner@acme.test', password: acme.admin.password },
      );
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      expect(login.body).toMatchObject({ orgId: acme.id, orgName: 'acme', role: 'admin' });
      const cookie = /mailroute_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
      expect((await call('GET', '/api/v1/domains', { cookie })).body.items).toEqual([]);
      expect((await call('GET', '/api/v1/relays', { cookie })).body.items).toEqual([]);
      expect((await call('GET', `/api/v1/domains/${sakura.body.id}`, { cookie })).status).toBe(404);
      expect((await call('GET', `/api/v1/relays/${relay.body.id}`, { key })).status).toBe(404);

      // The printed key works: a domain of its own, which the session then sees, and mail sent.
      expect((await call('POST', '/api/v1/domains', { key }, { name: 'acme.test' })).status).toBe(201);
      expect(
        (await call('GET', '/api/v1/domains', { cookie })).body.items.map((d: { name: string }) => d.name),
      ).toEqual(['acme.test']);
      const sent = await call(
        'POST',
        '/api/v1/messages',
        { key },
        {
          type: 'individual',
          from: 'owner@acme.test',
          to: ['first@example.net'],
          subject: 'Hello',
          text: 'Hi',
        },
      );
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      await until(async () => received('first@example.net') === 1, 15_000, 'the first message');

      // Disabled: the key and the session are refused at once, saying why; the default org is not.
      await cli('org', 'disable', 'acme');
      for (const auth of [{ key }, { cookie }]) {
        const refused = await call('GET', '/api/v1/domains', auth);
        expect(refused.status).toBe(403);
        expect(refused.body.error.message).toContain('org "acme" is disabled');
      }
      const signin = await call(
        'POST',
        '/api/auth/login',
        {},
        { email: 'owner@acme.test', password: acme.admin.password },
      );
      expect(signin.status).toBe(403);
      expect(signin.body.error.message).toContain('org "acme" is disabled');
      expect((await call('GET', '/api/v1/domains', { key: DEFAULT_KEY })).status).toBe(200);

      // Mail queued for it (by the operator) is held, not sent and not lost.
      const queued = await cli(
        'send',
        '--org',
        'acme',
        '--from',
        'owner@acme.test',
        '--to',
        'held@example.net',
        '--subject',
        'Held',
        '--text',
        'held until enabled',
      );
      const heldId = JSON.parse(queued.stdout).deliveries[0].id as string;
      await new Promise((r) => setTimeout(r, 3_000)); // the worker polls every second
      expect(received('held@example.net')).toBe(0);
      const listed = JSON.parse((await cli('org', 'list', '--json')).stdout);
      expect(listed.find((o: { name: string }) => o.name === 'acme')).toMatchObject({
        disabled: true,
        queued: 1,
        users: 1,
        apiKeys: 1,
        domains: 1,
        relays: 0,
      });
      expect(listed.find((o: { name: string }) => o.name === 'default')).toMatchObject({
        disabled: false,
        relays: 1,
      });

      // Enabled: the held delivery goes out, and the key and the session work again.
      await cli('org', 'enable', 'acme');
      await until(async () => received('held@example.net') === 1, 15_000, 'the held message');
      expect(
        sink.received.messages.some((m) => m.toString().includes(`X-Mailroute-Delivery: ${heldId}`)),
      ).toBe(true);
      expect((await call('GET', '/api/v1/domains', { key })).status).toBe(200);
      expect((await call('GET', '/api/v1/domains', { cookie })).status).toBe(200);

      // An operator key of the send role submits but does not administer.
      const sendKey = JSON.parse(
        (await cli('key', 'create', '--org', acme.id, '--role', 'send', '--name', 'app')).stdout,
      );
      expect(sendKey).toMatchObject({ org: acme.id, role: 'send', name: 'app' });
      expect((await call('GET', '/api/v1/domains', { key: sendKey.key })).status).toBe(403);
      const audit = await call('GET', '/api/v1/audit-log?limit=20', { key });
      expect(audit.status, JSON.stringify(audit.body)).toBe(200);
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['org.create', 'user.create', 'api_key.create', 'org.disable', 'org.enable']),
      );
      expect(JSON.stringify(audit.body)).not.toContain(acme.admin.password);
      expect(JSON.stringify(audit.body)).not.toContain(key);
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await sink.close();
      await database.drop();
    }
  }, 120_000);
});
