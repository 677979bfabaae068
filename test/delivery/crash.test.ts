import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { deliveriesIn, until } from '../helpers/delivery.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

const KEY = 'crash-test-admin-key-0123';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.each(dialects)('a process killed in the middle of sending, on %s', (dialect) => {
  it('loses nothing: after a restart every accepted delivery arrives, re-sent at most the ones in flight', async () => {
    const database = await createTestDatabase(dialect);
    const CONCURRENCY = 16;
    const N = 10_000;
    const sink = await startSmtpServer({
      mode: 'plain',
      extra: {
        onData(stream, _session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            setTimeout(() => {
              sink.received.messages.push(Buffer.concat(chunks));
              cb(null, 'Queued');
            }, 1);
          });
        },
      },
    });
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-crash-'));
    const plans = join(dataDir, 'plans.json');
    writeFileSync(
      plans,
      JSON.stringify([{ name: 'large', dailyLimit: 100_000, maxDomains: 5, maxRelaysPerDomain: 3 }]),
    );
    const env = {
      MAILROUTE_DATA_DIR: dataDir,
      MAILROUTE_PLANS: plans,
      MAILROUTE_DEFAULT_PLAN: 'large',
      MAILROUTE_HTTP_PORT: String(port),
      MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
      MAILROUTE_BOOTSTRAP_API_KEY: KEY,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
      MAILROUTE_WORKER_CONCURRENCY: String(CONCURRENCY),
      MAILROUTE_LOG_LEVEL: 'warn',
      MAILROUTE_WORKER_PROCESSES: '1',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const api = (path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

    let proc = startCli(['start'], env);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
      expect((await api('/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
      const recipients = Array.from({ length: N }, (_, i) => ({ address: `r${i}@example.net` }));
      const accepted = await api('/api/v1/mass-emails', {
        from: 'news@sakura.com',
        subject: 'crash test',
        text: 'hello',
        recipients,
      });
      expect(accepted.body).toMatchObject({ accepted: N });
      await until(async () => sink.received.messages.length >= 2_000, 60_000, 'the first deliveries');
      proc.child.kill('SIGKILL');
      await proc.exited;
      const beforeRestart = sink.received.messages.length;
      expect(beforeRestart).toBeLessThan(N);

      proc = startCli(['start'], env);
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
      await until(async () => new Set(deliveriesIn(sink)).size >= N, 120_000, 'every delivery');
      const sentIds = async () => {
        const ids: string[] = [];
        let cursor = '';
        for (;;) {
          const page = await api(
            `/api/v1/messages?limit=500&status=sent${cursor ? `&cursor=${cursor}` : ''}`,
          );
          ids.push(...page.body.items.map((e: { deliveryId: string }) => e.deliveryId));
          if (!page.body.nextCursor) return ids;
          cursor = page.body.nextCursor;
        }
      };
      const ids = await until(
        async () => {
          const all = await sentIds();
          return all.length === N ? all : undefined;
        },
        30_000,
        'every delivery marked sent',
      );
      const received = deliveriesIn(sink);
      const receivedSet = new Set(received);
      expect(ids.every((id) => receivedSet.has(id))).toBe(true);
      const resent = received.length - new Set(received).size;
      expect(resent).toBeLessThanOrEqual(CONCURRENCY);
      console.log(
        `crash test: ${beforeRestart} delivered before the kill, ${resent} re-sent after the restart (at most ${CONCURRENCY} in flight)`,
      );
    } finally {
      proc.child.kill('SIGKILL');
      await sink.close();
      await database.drop();
    }
  }, 300_000);
});
