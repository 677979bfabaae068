import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { DeliveryEngine } from '../../src/delivery/engine.js';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { claimDue } from '../../src/queue/claim.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { closeApp, stopWorker } from '../helpers/stop.js';

/**
 * The relay breaker (SPEC R13) with two worker processes on one database: each is an app of its own
 * (its own connections, caches and delivery engine), and the test decides which one delivers each
 * email, so failures and successes can be spread over the two in a known order. The relay answers
 * 451 to recipients named `fail…` (a relay failure that falls back and counts) and takes the rest.
 */
describe.each(dialects)('the relay breaker across two worker processes on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let relayServer: TestSmtpServer;
  let domainId: string;
  const apps: App[] = [];
  const engines: DeliveryEngine[] = [];
  let A: (to: string) => Promise<string>;
  let B: (to: string) => Promise<string>;

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    relayServer = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^fail/, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    // The test app only takes mail in; the two worker processes below deliver it.
    await stopWorker(t.app.worker!);
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const worker = async (name: string) => {
      const app = await createApp(t.app.ctx.config, {
        http: false,
        worker: false,
        clock: t.clock,
        log: createLogger('silent'),
      });
      const owner = `test:${name}:${process.pid}`;
      const engine = new DeliveryEngine(app.ctx, owner, classify);
      apps.push(app);
      engines.push(engine);
      /** Submits one email and has this process deliver everything due; returns the delivery's route. */
      return async (to: string) => {
        const res = await t.call('POST', '/api/v1/messages', {
          type: 'workflow',
          from: 'ops@sakura.com',
          to: [to],
          subject: 'breaker',
          text: 'x',
        });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        for (;;) {
          const batch = await claimDue(app.ctx.store, {
            owner,
            limit: 10,
            now: t.clock.now(),
            leaseMs: 60_000,
          });
          if (batch.length === 0) break;
          await Promise.all(batch.map((d) => engine.process(d)));
        }
        const d = await t.app.ctx.store.db
          .selectFrom('deliveries')
          .select(['route', 'status'])
          .where('message_id', '=', res.body.id)
          .executeTakeFirstOrThrow();
        expect(d.status).toBe('sent');
        return d.route === 'platform' ? 'platform' : 'relay';
      };
    };
    A = await worker('A');
    B = await worker('B');
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
    for (const a of apps) await closeApp(a);
    await t.close();
    await platform.close();
    await relayServer.close();
  });

  const created: string[] = [];
  afterEach(async () => {
    for (const id of created.splice(0)) await t.call('DELETE', `/api/v1/relays/${id}`);
  });

  const newRelay = async () => {
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'shared relay',
      host: '127.0.0.1',
      port: relayServer.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(res.status).toBe(201);
    created.push(res.body.id);
    return res.body.id as string;
  };
  const breaker = async (id: string) => {
    const r = await t.app.ctx.store.db
      .selectFrom('relays')
      .select(['failure_count', 'suspended_until'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const suspended = r.suspended_until !== null && r.suspended_until > t.clock.now();
    return { failures: r.failure_count, suspended };
  };

  it('trips at exactly the third failure spread over both, and the other process then leaves the relay alone', async () => {
    const id = await newRelay();
    // Both processes have routed through the healthy relay just now (anything they cache is fresh).
    expect(await A('ok-a1@example.net')).toBe('relay');
    expect(await B('ok-b1@example.net')).toBe('relay');
    expect(await A('fail-1@example.net')).toBe('platform');
    expect(await breaker(id)).toEqual({ failures: 1, suspended: false });
    expect(await B('fail-2@example.net')).toBe('platform');
    expect(await breaker(id)).toEqual({ failures: 2, suspended: false });
    expect(await A('fail-3@example.net')).toBe('platform');
    expect(await breaker(id)).toEqual({ failures: 3, suspended: true });
    // The relay's view names the last error, from the suspension's event.
    const view = (await t.call('GET', `/api/v1/relays/${id}`)).body;
    expect(view.status).toBe('suspended');
    expect(view.suspendedReason).toContain('4.3.0 Temporary failure');
    // B did not suspend the relay itself; it must still not use it.
    const connections = relayServer.connections();
    const recipients = relayServer.received.rcptTo.length;
    expect(await B('ok-b2@example.net')).toBe('platform');
    expect(await A('ok-a2@example.net')).toBe('platform');
    expect(relayServer.connections()).toBe(connections);
    expect(relayServer.received.rcptTo.length).toBe(recipients);
    expect(relayServer.received.rcptTo).not.toContain('ok-b2@example.net');
  });

  it('resets the count on a success in the other process, so failures around it are not consecutive', async () => {
    const id = await newRelay();
    expect(await A('ok-a3@example.net')).toBe('relay');
    expect(await B('ok-b3@example.net')).toBe('relay');
    expect(await A('fail-4@example.net')).toBe('platform');
    expect(await A('fail-5@example.net')).toBe('platform');
    expect(await breaker(id)).toEqual({ failures: 2, suspended: false });
    // B saw none of A's failures; its success still ends the run, in the commit of its delivery.
    expect(await B('ok-b4@example.net')).toBe('relay');
    expect(await breaker(id)).toEqual({ failures: 0, suspended: false });
    expect(await A('fail-6@example.net')).toBe('platform');
    expect(await breaker(id)).toEqual({ failures: 1, suspended: false });
    expect(await B('ok-b5@example.net')).toBe('relay');
  });
});
