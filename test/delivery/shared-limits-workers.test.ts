import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type CountingReceiver, startCountingReceiver } from '../helpers/counting-receiver.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { closeApp } from '../helpers/stop.js';

/**
 * A relay's limits hold across worker processes (issue 21): on PostgreSQL three workers (each an
 * app of its own: its own database pool, engine, pools and leases) share one queue; SQLite runs
 * one. The relay's receiver counts the connections open at once and when (by the test clock) each
 * message arrived. The rate test moves the injected clock a minute at a time instead of waiting.
 */
describe.each(dialects)('relay limits across worker processes on %s', (dialect) => {
  const WORKERS = dialect === 'postgres' ? 3 : 1;
  let t: TestApp;
  const extra: App[] = [];
  let domainId: string;
  const receivers: CountingReceiver[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: 'smtp://127.0.0.1:9',
      MAILROUTE_WORKER_CONCURRENCY: '16',
      MAILROUTE_PLANS: plansFile({ name: 'big', dailyLimit: 100_000, maxDomains: 2, maxRelaysPerDomain: 5 }),
      MAILROUTE_DEFAULT_PLAN: 'big',
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    for (let i = 1; i < WORKERS; i++)
      extra.push(
        await createApp(t.app.ctx.config, { http: false, clock: t.clock, log: createLogger('silent') }),
      );
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    for (const a of extra) await closeApp(a);
    await t.close();
    for (const r of receivers) await r.close();
  });

  const wake = () => {
    t.app.worker!.wake();
    for (const a of extra) a.worker!.wake();
  };

  const relayTo = async (rx: CountingReceiver, limits: Record<string, number>) => {
    const res = await t.call('POST', '/api/v1/relays', {
      name: `limited ${receivers.length}`,
      host: '127.0.0.1',
      port: rx.port,
      security: 'none',
      dailyLimit: 100_000,
      domainId,
      emailTypes: ['mass'],
      ...limits,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  const send = async (n: number, tag: string) => {
    const recipients = Array.from({ length: n }, (_, i) => ({ address: `${tag}${i}@example.net` }));
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'limits',
      text: 'x',
      recipients,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };

  const unsent = async (messageId: string) => {
    const r = await t.app.ctx.store.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('message_id', '=', messageId)
      .where('status', '!=', 'sent')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };

  it('a relay with maxConnections 2 never sees a third connection', async () => {
    const rx = await startCountingReceiver(Number.POSITIVE_INFINITY, t.clock);
    receivers.push(rx);
    const relay = await relayTo(rx, { maxConnections: 2 });
    const id = await send(120, 'c');
    await until(
      async () => {
        // A delivery that found both connections taken comes back a second later (queue time).
        t.clock.advance(1_000);
        wake();
        return (await unsent(id)) === 0;
      },
      120_000,
      'every delivery sent',
    );
    expect(new Set(rx.received).size).toBe(120);
    expect(rx.maxOpen()).toBeLessThanOrEqual(2);
    // The relay was used by more than one process when there are several.
    const routes = await t.app.ctx.store.db
      .selectFrom('deliveries')
      .select('route')
      .where('message_id', '=', id)
      .execute();
    expect(routes.every((r) => r.route === relay)).toBe(true);
    await t.call('DELETE', `/api/v1/relays/${relay}`);
  }, 400_000);

  it('a relay with rateLimitPerMinute 60 gets at most 60 in any minute', async () => {
    const rx = await startCountingReceiver(Number.POSITIVE_INFINITY, t.clock);
    receivers.push(rx);
    const relay = await relayTo(rx, { rateLimitPerMinute: 60, maxConnections: 4 });
    const id = await send(100, 'r');
    // Minute by minute of the test clock: each lets 60 more through, never more.
    for (const expected of [60, 100]) {
      const last = expected === 100;
      await until(
        async () => {
          // In the last minute the clock runs on (a second a poll, as queue time passes in a real
          // minute), so a lease or slot taken late in the first one runs out as it would.
          if (last) t.clock.advance(1_000);
          wake();
          return rx.received.length >= expected;
        },
        150_000,
        `${expected} arrived`,
      );
      // Give every worker time to try more within this minute.
      for (let i = 0; i < 10; i++) {
        wake();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rx.received.length).toBe(expected);
      t.clock.advance(60_000);
    }
    await until(async () => (await unsent(id)) === 0, 30_000, 'every delivery sent');
    const sorted = [...rx.arrivals].sort((a, b) => a - b);
    for (const [i, at] of sorted.entries()) {
      const within = sorted.slice(i).filter((x) => x < at + 60_000).length;
      expect(within).toBeLessThanOrEqual(60);
    }
    await t.call('DELETE', `/api/v1/relays/${relay}`);
  }, 400_000);
});
