/**
 * `/metrics` of a real `mailroute start` with worker child processes: the parent serves HTTP, the
 * children deliver too, and every delivery is counted whichever process sent it. While the mail
 * goes out, the test watches the queue's leases to see that several processes did take part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { parsePrometheus, parserMissing, sampleValue } from '../helpers/prometheus.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

const KEY = 'metrics-workers-admin-key-0123';
const TOKEN = 'metrics-workers-token-0123456789';
const PROCESSES = 3;
const N = 150;

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

describe.skipIf(parserMissing !== undefined).each(dialects)(
  'metrics of several worker processes on %s',
  (dialect) => {
    it(`counts all ${N} deliveries once, though ${PROCESSES} processes sent them`, async () => {
      const database = await createTestDatabase(dialect);
      // A slow receiver (20 ms a message) keeps deliveries in flight long enough to see who holds them.
      const sink = await startSmtpServer({
        mode: 'plain',
        extra: {
          onData(stream, _session, cb) {
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () =>
              setTimeout(() => {
                sink.received.messages.push(Buffer.concat(chunks));
                cb(null, 'Queued');
              }, 20),
            );
          },
        },
      });
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-metrics-'));
      const env = {
        MAILROUTE_DATA_DIR: dataDir,
        MAILROUTE_HTTP_PORT: String(port),
        MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
        MAILROUTE_BOOTSTRAP_API_KEY: KEY,
        MAILROUTE_DOMAIN_VERIFICATION: 'off',
        MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
        MAILROUTE_WORKER_PROCESSES: String(PROCESSES),
        MAILROUTE_WORKER_CONCURRENCY: '4',
        MAILROUTE_METRICS_TOKEN: TOKEN,
        MAILROUTE_LOG_LEVEL: 'info',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      };
      const api = (path: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${port}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      const scrape = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(res.status).toBe(200);
        return parsePrometheus(await res.text());
      };

      const proc = startCli(['start'], env);
      const store = openStore(
        database.url
          ? { kind: 'postgres', url: database.url }
          : { kind: 'sqlite', path: resolve(dataDir, 'mailroute.db') },
      );
      try {
        await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
        // The children say so when their workers run.
        await waitFor(async () =>
          (proc.output().match(/"event":"worker\.started"/g) ?? []).length >= PROCESSES - 1
            ? true
            : undefined,
        );
        expect((await api('/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
        const accepted = await api('/api/v1/mass-emails', {
          from: 'news@sakura.com',
          subject: 'metrics',
          text: 'hello',
          recipients: Array.from({ length: N }, (_, i) => ({ address: `r${i}@example.net` })),
        });
        expect(accepted.body).toMatchObject({ accepted: N });
        // Which processes hold leases while the mail goes out (owners are host:pid:random).
        const pids = new Set<string>();
        await until(
          async () => {
            const held = await store.db
              .selectFrom('deliveries')
              .select('lease_owner')
              .distinct()
              .where('status', '=', 'sending')
              .execute();
            for (const h of held) if (h.lease_owner) pids.add(h.lease_owner.split(':')[1]!);
            return sink.received.messages.length >= N;
          },
          120_000,
          'every delivery received',
        );
        expect(pids.size, `processes seen sending: ${[...pids].join(', ')}`).toBeGreaterThanOrEqual(2);
        const m = await until(
          async () => {
            const s = await scrape();
            return sampleValue(s, 'mailroute_deliveries_last_hour', {
              route: 'platform',
              status: 'sent',
              type: 'mass',
            }) === N
              ? s
              : undefined;
          },
          30_000,
          'every delivery counted as sent',
        );
        expect(
          sampleValue(m, 'mailroute_attempt_duration_last_hour_seconds_count', {
            route: 'platform',
            relay: '',
          }),
        ).toBe(N);
        expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'sending' })).toBe(0);
        expect(sink.received.messages).toHaveLength(N);
        // HTTP requests are the parent's own: one process label, the parent's.
        const processes = new Set(
          m.find((f) => f.name === 'mailroute_http_requests')!.samples.map((s) => s.labels.process),
        );
        expect([...processes]).toEqual([expect.stringMatching(new RegExp(`:${proc.child.pid}$`))]);
        console.log(`metrics workers (${dialect}): deliveries sent by processes ${[...pids].join(', ')}`);
      } finally {
        await store.close();
        proc.child.kill('SIGTERM');
        await proc.exited;
        await sink.close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 180_000);
  },
);
