import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { deliveriesIn, until } from '../helpers/delivery.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

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
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_WORKER_CONCURRENCY: '16',
    });
    for (let i = 1; i < WORKERS; i++)
      extra.push(
        await createApp(t.app.ctx.config, { http: false, clock: t.clock, log: createLogger('silent') }),
      );
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'zylker.com' })).body.id;
  });
  afterAll(async () => {
    for (const a of extra) await a.close();
    await t.close();
    await platform.close();
    await relay.close();
  });

  const wake = () => {
    t.app.worker!.wake();
    for (const a of extra) a.worker!.wake();
  };
  const allSettled = async (messageId: string, n: number) =>
    until(
      async () => {
        wake();
        const d = (await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries;
        return d.length === n && d.every((x: { status: string }) => x.status === 'sent') ? d : undefined;
      },
      30_000,
      'every delivery sent',
    );

  it(`keeps a relay's cap exactly and sends every delivery once (${dialect === 'postgres' ? '3 workers' : '1 worker'})`, async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'capped',
        host: '127.0.0.1',
        port: relay.port,
        security: 'none',
        dailyLimit: 25,
        domainId,
        emailTypes: ['mass'],
      })
    ).body;
    const recipients = Array.from({ length: 100 }, (_, i) => ({ address: `cap${i}@example.net` }));
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@zylker.com',
      subject: 'cap',
      text: 'x',
      recipients,
    });
    expect(res.body.accepted).toBe(100);
    const deliveries = await allSettled(res.body.id, 100);
    expect(deliveries.filter((d: { route: string }) => d.route === r.id)).toHaveLength(25);
    expect(relay.received.messages).toHaveLength(25);
    const all = [...deliveriesIn(relay), ...deliveriesIn(platform)].filter((id) =>
      deliveries.some((d: { id: string }) => d.id === id),
    );
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body.usageToday).toBe(25);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

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
      from: 'ops@zylker.com',
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
  });
});
