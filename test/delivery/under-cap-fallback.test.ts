/**
 * The trial of issue 19: 200 mass deliveries, 25 of which left through the platform while the relay
 * stood at 41–58% of its 1,000 cap, with no relay attempt recorded. Reproduced here with a slow
 * loopback relay (each reply delayed) and 64 sends in flight in one worker, then in two (as two
 * worker processes), the relay's count starting at 410 of 1,000. Before the fix, every delivery of
 * the first claimed batch reserved its own chunk of 16 slots at once (64 × 16 > 590 left), so the
 * last of them found the database counter at the cap, although most of those slots sat unused in
 * the worker's own reserve, and went to the platform as "full": 14 of 200 with one worker, 94–98
 * with two. Now a worker reserves one chunk at a time per relay and hands
 * the chunk out before it asks the database again; nothing falls back below the cap, and each
 * delivery says why it took its route.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { Worker } from '../../src/delivery/worker.js';
import { dayKey } from '../../src/domain/time-zone.js';
import { add, current } from '../../src/queue/counters.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';

const N = 200;
const CAP = 1000;
const USED_BEFORE = 410;
const REPLY_DELAY_MS = 150;

describe.each(dialects)('a slow relay under its cap with 64 sends in flight on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let platform: TestSmtpServer;
  let relayId: string;

  beforeAll(async () => {
    relay = await startSmtpServer({
      mode: 'plain',
      extra: {
        onRcptTo(_address, _session, callback) {
          setTimeout(() => callback(), REPLY_DELAY_MS);
        },
      },
    });
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_PLANS: plansFile({ name: 'wide', dailyLimit: 10_000, maxDomains: 1, maxRelaysPerDomain: 3 }),
      MAILROUTE_DEFAULT_PLAN: 'wide',
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    await stopWorker(t.app.worker!);
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const r = await t.call('POST', '/api/v1/relays', {
      name: 'slow',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: CAP,
      maxConnections: 20,
      domainId,
      emailTypes: ['mass'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    relayId = r.body.id;
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
    await platform.close();
  });

  it.each([1, 2])(
    `sends all ${N} through the relay at ${USED_BEFORE}/${CAP} with %i worker(s) of 64, and each says so`,
    async (workers) => {
      const org = await t.app.ctx.store.db.selectFrom('relays').select('org_id').executeTakeFirstOrThrow();
      const settings = (await t.call('GET', '/api/v1/settings')).body;
      const key = {
        orgId: org.org_id,
        day: dayKey(t.clock.now(), settings.timeZone),
        scope: relayId,
      };
      // The relay's count stands at 410 of 1,000 for each run.
      await t.app.ctx.store.db.deleteFrom('usage_counters').where('scope', '=', relayId).execute();
      await add(t.app.ctx.store.db, key, USED_BEFORE);
      const relayBefore = relay.received.messages.length;
      const res = await t.call('POST', '/api/v1/mass-emails', {
        from: 'news@sakura.com',
        subject: 'trial',
        text: 'x',
        recipients: Array.from({ length: N }, (_, i) => ({ address: `t${workers}-${i}@example.net` })),
      });
      expect(res.body.accepted).toBe(N);
      // Each worker has its own reservations, as each worker process has.
      const running = Array.from(
        { length: workers },
        () => new Worker(t.app.ctx, { concurrency: 64, pollMs: 200, classifyBounce: classify }),
      );
      for (const w of running) await w.start();
      const db = t.app.ctx.store.db;
      await until(
        async () => {
          const open = await db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('message_id', '=', res.body.id)
            .where('status', '!=', 'sent')
            .executeTakeFirstOrThrow();
          return Number(open.n) === 0;
        },
        60_000,
        'every delivery sent',
      );
      for (const w of running) await w.stop();
      const rows = await db
        .selectFrom('deliveries')
        .select(['id', 'route', 'route_reasons'])
        .where('message_id', '=', res.body.id)
        .execute();
      const fellBack = rows.filter((d) => d.route === 'platform');
      console.log(
        `[under-cap] ${dialect}, ${workers} worker(s): ${fellBack.length} of ${N} fell back to the platform; relay count now ${await current(db, key)}/${CAP}`,
      );
      expect(fellBack.length).toBe(0);
      expect(platform.received.messages).toHaveLength(0);
      expect(relay.received.messages.length - relayBefore).toBe(N);
      // The worker handed its unused reservation back when it stopped: the count is what was sent.
      expect(await current(db, key)).toBe(USED_BEFORE + N);
      // Every delivery says why: the relay took it.
      for (const d of rows) {
        expect(JSON.parse(d.route_reasons ?? 'null')).toEqual({
          route: 'relay',
          relays: [{ relay: relayId, code: 'sent' }],
        });
      }
    },
    90_000,
  );
});
