/**
 * Wake-ups between processes on PostgreSQL (`queue/wakeups.ts`): mail queued by one process wakes
 * an idle worker of another at once, so idle workers need not poll the database every second (a
 * poll walks every uncommitted row of an open mass-email intake). Announcements stay within one
 * installation (schema), come at most every 50 ms in a burst, and a lost connection is restored.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { Worker } from '../../src/delivery/worker.js';
import { ProcessEvents } from '../../src/events.js';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { announceQueued, listenForQueued, type QueueWakeups } from '../../src/queue/wakeups.js';
import { openStore, type Store } from '../../src/store/db.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects, pgUrl, type TestDatabase } from '../helpers/databases.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { closeApp, stopWorker } from '../helpers/stop.js';

const quiet = createLogger('silent');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(dialects.includes('postgres'))('wake-ups between processes on PostgreSQL', () => {
  describe('a worker of another process', () => {
    let t: TestApp;
    let platform: TestSmtpServer;
    let other: App;
    let worker: Worker;

    beforeAll(async () => {
      platform = await startSmtpServer({ mode: 'plain' });
      t = await startTestApp('postgres', {
        MAILROUTE_DOMAIN_VERIFICATION: 'off',
        MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
        MAILROUTE_LOG_LEVEL: 'warn',
      });
      // This process only takes mail in; the other one delivers, polling once in ten minutes.
      await stopWorker(t.app.worker!);
      await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
      other = await createApp(t.app.ctx.config, { http: false, worker: false, clock: t.clock, log: quiet });
      worker = new Worker(other.ctx, { concurrency: 4, pollMs: 600_000, classifyBounce: classify });
      await worker.start();
      await waitFor(async () => (worker.hearsOtherProcesses() ? true : undefined), 10_000);
    });
    afterAll(async () => {
      await stopWorker(worker);
      await closeApp(other);
      await t.close();
      await platform.close();
    });

    it('delivers mail queued here at once, each time, though it would not poll for ten minutes', async () => {
      for (const n of [1, 2, 3]) {
        const res = await t.call('POST', '/api/v1/messages', {
          type: 'workflow',
          from: 'ops@sakura.com',
          to: [`user${n}@example.net`],
          subject: `wake ${n}`,
          text: 'x',
        });
        expect(res.status).toBe(202);
        await waitFor(async () => (platform.received.messages.length === n ? true : undefined), 10_000);
        // Idle again before the next one.
        await pause(200);
      }
      expect(platform.received.rcptTo).toEqual([
        'user1@example.net',
        'user2@example.net',
        'user3@example.net',
      ]);
    });
  });

  describe('announcements', () => {
    const databases: TestDatabase[] = [];
    const stores: Store[] = [];
    const listeners: QueueWakeups[] = [];

    const store = async (appName?: string) => {
      const d = await createTestDatabase('postgres');
      databases.push(d);
      const u = new URL(d.url!);
      if (appName) u.searchParams.set('application_name', appName);
      const s = openStore({ kind: 'postgres', url: u.toString() });
      stores.push(s);
      return s;
    };
    const listen = async (s: Store, log = quiet) => {
      const heard = { n: 0 };
      const l = listenForQueued(s, log, () => heard.n++)!;
      listeners.push(l);
      await waitFor(async () => (l.live() ? true : undefined), 10_000);
      // Connecting counts as one wake-up (for what may have been missed): start from zero.
      heard.n = 0;
      return { heard, l };
    };

    afterAll(async () => {
      for (const l of listeners) await l.stop();
      for (const s of stores) await s.close();
      for (const d of databases) await d.drop();
    });

    it('reach the processes of the same installation only, and a burst comes as one or two', async () => {
      const here = await store();
      const elsewhere = await store();
      const events = new ProcessEvents();
      const stop = announceQueued(here, events, quiet);
      const mine = await listen(here);
      const theirs = await listen(elsewhere);

      for (let i = 0; i < 500; i++) events.queued();
      await pause(400);
      expect(mine.heard.n).toBeGreaterThanOrEqual(1);
      expect(mine.heard.n).toBeLessThanOrEqual(2);

      // Spaced out, each one is heard; an org's changed settings too (they may let mail go).
      for (let i = 0; i < 3; i++) {
        await pause(120);
        events.queued();
      }
      events.orgChanged('org_1');
      await pause(400);
      expect(mine.heard.n).toBeGreaterThanOrEqual(5);
      expect(theirs.heard.n).toBe(0);

      stop();
      const before = mine.heard.n;
      events.queued();
      await pause(300);
      expect(mine.heard.n).toBe(before);
    });

    it('notice a lost connection, poll meanwhile, and come back by themselves', async () => {
      const name = `mailroute-wakeups-${randomBytes(4).toString('hex')}`;
      const s = await store(name);
      const lines: { event?: string }[] = [];
      const log = pino(
        { level: 'info' },
        { write: (line: string) => void lines.push(JSON.parse(line) as { event?: string }) },
      );
      const { heard, l } = await listen(s, log);
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      try {
        const { rowCount } = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
          [name],
        );
        expect(rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      await waitFor(async () => (l.live() ? undefined : true), 10_000);
      expect(lines.map((x) => x.event)).toContain('queue.wakeups_lost');
      await waitFor(async () => (l.live() ? true : undefined), 10_000);
      // Back: one wake-up for whatever was announced while it was away.
      expect(heard.n).toBe(1);
      expect(lines.map((x) => x.event)).toContain('queue.wakeups_restored');
    });
  });
});
