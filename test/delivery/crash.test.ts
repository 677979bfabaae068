import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { deliveriesIn, deliveryIdOf, until } from '../helpers/delivery.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

const KEY = 'crash-test-admin-key-0123';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const CONCURRENCY = 16;
const N = 1_000;
/**
 * Deliveries certainly in flight at the kill: once the sink has answered HOLD_AFTER messages, it
 * takes the DATA of the next HELD ones and never answers them (no 250), while its other connections
 * keep answering; the process is killed once KILL_AFTER messages are answered, in the middle of
 * that stream, with the HELD deliveries still waiting for their reply.
 */
const HOLD_AFTER = 200;
const HELD = 3;
const KILL_AFTER = 400;

describe.each(dialects)('a process killed in the middle of sending, on %s', (dialect) => {
  it('loses nothing: after a restart every accepted delivery arrives, the ones in flight at the kill once, re-sent at most the ones in flight', async () => {
    const database = await createTestDatabase(dialect);
    const held: string[] = [];
    let killed = false;
    const sink = await startSmtpServer({
      mode: 'plain',
      extra: {
        onData(stream, _session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            if (!killed && held.length < HELD && sink.received.messages.length >= HOLD_AFTER) {
              held.push(deliveryIdOf(raw));
              return; // no reply: the sender waits for its 250 until it is killed
            }
            setTimeout(() => {
              sink.received.messages.push(raw);
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
      await waitFor(
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined),
        60_000,
      );
      expect((await api('/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
      const recipients = Array.from({ length: N }, (_, i) => ({ address: `r${i}@example.net` }));
      const accepted = await api('/api/v1/mass-emails', {
        from: 'news@sakura.com',
        subject: 'crash test',
        text: 'hello',
        recipients,
      });
      expect(accepted.body).toMatchObject({ accepted: N });
      await until(
        async () => held.length === HELD && sink.received.messages.length >= KILL_AFTER,
        60_000,
        `${HELD} deliveries held and ${KILL_AFTER} answered`,
      );
      proc.child.kill('SIGKILL');
      await proc.exited;
      killed = true;
      const beforeRestart = deliveriesIn(sink);
      expect(beforeRestart.length).toBeLessThan(N);
      // The held ones were in flight at the kill: the sink had their message and never said 250.
      expect(held.every((id) => id.startsWith('dlv_') && !beforeRestart.includes(id))).toBe(true);

      proc = startCli(['start'], env);
      await waitFor(
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined),
        60_000,
      );
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
      expect(receivedSet.size).toBe(N);
      expect(ids.every((id) => receivedSet.has(id))).toBe(true);
      // Each delivery in flight at the kill arrived after the restart, exactly once.
      expect(held.map((id) => received.filter((r) => r === id).length)).toEqual(held.map(() => 1));
      const resent = received.length - receivedSet.size;
      expect(resent).toBeLessThanOrEqual(CONCURRENCY);
      console.log(
        `crash test: ${beforeRestart.length} delivered before the kill, ${HELD} held in flight at the kill and delivered once after it, ${resent} re-sent after the restart (at most ${CONCURRENCY} in flight)`,
      );
    } finally {
      proc.child.kill('SIGKILL');
      await sink.close();
      await database.drop();
    }
  }, 300_000);
});
