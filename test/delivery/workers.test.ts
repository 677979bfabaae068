import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { deliveriesIn, until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { closeApp } from '../helpers/stop.js';

/**
 * 4,000 deliveries, a quarter of them through a relay capped at exactly that many: with three
 * workers of 32 slots on PostgreSQL that is still over forty rounds of claims racing each other
 * and the relay's cap running out in the middle of the run, at two fifths of the time of 10,000.
 */
const N = 4_000;
const CAP = N / 4;

describe.each(dialects)('several workers sharing one queue on %s', (dialect) => {
  const WORKERS = dialect === 'postgres' ? 3 : 1;
  let t: TestApp;
  const extra: App[] = [];
  let platform: TestSmtpServer;
  let relay: TestSmtpServer;
  let domainId: string;

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    relay = await startSmtpServer({ mode: 'plain' });
    const plans = plansFile({ name: 'exact', dailyLimit: N + 40, maxDomains: 2, maxRelaysPerDomain: 3 });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_WORKER_CONCURRENCY: '32',
      MAILROUTE_PLANS: plans,
      MAILROUTE_DEFAULT_PLAN: 'exact',
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
    await platform.close();
    await relay.close();
  });

  const wake = () => {
    // A delivery put back for a moment (its due time a second ahead) waits for the clock: with
    // nothing in flight, move the test clock on a second, as real time would.
    if ([t.app, ...extra].every((a) => (a.worker?.inFlight() ?? 0) === 0)) t.clock.advance(1000);
    t.app.worker!.wake();
    for (const a of extra) a.worker!.wake();
  };
  const allSettled = async (messageId: string, n: number) => {
    await until(
      async () => {
        wake();
        const open = await t.app.ctx.store.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('message_id', '=', messageId)
          .where('status', '!=', 'sent')
          .executeTakeFirstOrThrow();
        return Number(open.n) === 0;
      },
      120_000,
      'every delivery sent',
    ).catch(async (err) => {
      // Say what the unsent ones are doing, so a failure here can be read.
      const open = await t.app.ctx.store.db
        .selectFrom('deliveries')
        .select(['status', 'route', 'last_reply', 'lease_owner', 'next_attempt_at'])
        .where('message_id', '=', messageId)
        .where('status', '!=', 'sent')
        .limit(5)
        .execute();
      const left = await t.app.ctx.store.db
        .selectFrom('deliveries')
        .select(['status', 'lease_owner', (eb) => eb.fn.countAll().as('n')])
        .where('message_id', '=', messageId)
        .where('status', '!=', 'sent')
        .groupBy(['status', 'lease_owner'])
        .execute();
      const busy = [t.app, ...extra].map((a) => a.worker?.inFlight() ?? 0);
      throw new Error(
        `${(err as Error).message}; unsent by status and owner: ${JSON.stringify(left)}; e.g.: ${JSON.stringify(open)}; deliveries in flight per worker: ${busy.join(', ')} (test clock ${t.app.ctx.clock.now()}, real ${Date.now()})`,
      );
    });
    const rows = await t.app.ctx.store.db
      .selectFrom('deliveries')
      .select(['id', 'route', 'status'])
      .where('message_id', '=', messageId)
      .execute();
    expect(rows).toHaveLength(n);
    return rows;
  };

  it('suspends a failing relay exactly once, with one notification, while several workers fail at once', async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'down',
        host: '127.0.0.1',
        port: await closedPort(),
        security: 'none',
        dailyLimit: 1000,
        domainId,
        emailTypes: ['workflow'],
      })
    ).body;
    const to = Array.from({ length: 40 }, (_, i) => `down${i}@example.net`);
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'ops@sakura.com',
      to,
      subject: 'down',
      text: 'x',
    });
    await allSettled(res.body.id, 40);
    const view = (await t.call('GET', `/api/v1/relays/${r.id}`)).body;
    expect(view.status).toBe('suspended');
    const notices = (await t.call('GET', '/api/v1/notifications')).body.items.filter(
      (n: { kind: string; data: { relayId: string } }) =>
        n.kind === 'relay.suspended' && n.data.relayId === r.id,
    );
    expect(notices).toHaveLength(1);
    const events = await t.app.ctx.store.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'relay.suspended')
      .execute();
    expect(events.filter((e) => e.data.includes(r.id))).toHaveLength(1);
    const ids = deliveriesIn(platform);
    expect(ids.filter((id) => id.startsWith('dlv_')).length).toBe(new Set(ids).size);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });
  it(`sends ${N.toLocaleString('en')} deliveries exactly once, keeping a relay's cap and the plan's limit exactly (${dialect === 'postgres' ? '3 workers' : '1 worker'})`, async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'capped',
        host: '127.0.0.1',
        port: relay.port,
        security: 'none',
        dailyLimit: CAP,
        domainId,
        emailTypes: ['mass'],
        maxConnections: 10,
      })
    ).body;
    const recipients = Array.from({ length: N }, (_, i) => ({ address: `cap${i}@example.net` }));
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'cap',
      text: 'x',
      recipients,
    });
    expect(res.body.accepted, JSON.stringify(res.body)).toBe(N);
    const over = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'ops@sakura.com',
      to: ['one-more@example.net'],
      subject: 'x',
      text: 'x',
    });
    expect(over.status).toBe(429);
    expect(over.body.error.remaining).toBe(0);
    const deliveries = await allSettled(res.body.id, N);
    expect(deliveries.filter((d) => d.route === r.id)).toHaveLength(CAP);
    const ids = new Set(deliveries.map((d) => d.id));
    const arrived = [...deliveriesIn(relay), ...deliveriesIn(platform)].filter((id) => ids.has(id));
    expect(arrived).toHaveLength(N);
    expect(new Set(arrived).size).toBe(N);
    expect(deliveriesIn(relay).filter((id) => ids.has(id))).toHaveLength(CAP);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body.usageToday).toBe(CAP);
  }, 180_000);
});
