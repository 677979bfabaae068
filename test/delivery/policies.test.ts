import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/queue/claim.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(dialects)('delivery policies on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let relay: TestSmtpServer;
  let receiver: WebhookReceiver;
  let domainId: string;
  let slowDownNext = 0;
  let failNextPlatform = 0;

  beforeAll(async () => {
    platform = await startSmtpServer({
      mode: 'plain',
      extra: {
        onRcptTo(_a, _s, cb) {
          if (failNextPlatform > 0) {
            failNextPlatform--;
            return cb(Object.assign(new Error('4.2.2 Mailbox temporarily full'), { responseCode: 452 }));
          }
          cb();
        },
      },
    });
    relay = await startSmtpServer({
      mode: 'plain',
      extra: {
        onRcptTo(_a, _s, cb) {
          if (slowDownNext > 0) {
            slowDownNext--;
            return cb(Object.assign(new Error('4.7.0 Too many messages, slow down'), { responseCode: 421 }));
          }
          cb();
        },
      },
    });
    receiver = await startWebhookReceiver();
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await relay.close();
    await receiver.close();
  });

  const send = async (to: string, type = 'workflow') =>
    (
      await t.call('POST', '/api/v1/messages', {
        type,
        from: 'a@sakura.com',
        to: [to],
        subject: 's',
        text: 't',
      })
    ).body;
  const delivery = async (messageId: string) =>
    (await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries[0];

  it('slows down on a 421 "slow down" reply without counting a failure or falling back, then sends', async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'busy',
        host: '127.0.0.1',
        port: relay.port,
        security: 'none',
        dailyLimit: 10,
        domainId,
        emailTypes: ['workflow'],
      })
    ).body;
    slowDownNext = 1;
    const msg = await send('slow@example.net');
    const queued = await until(async () => {
      const d = await delivery(msg.id);
      return d.attempts.length === 1 && d.status === 'queued' ? d : undefined;
    });
    expect(queued.attempts[0]).toMatchObject({ action: 'slowdown', status: '4.7.0' });
    expect(Date.parse(queued.nextAttemptAt) - t.clock.now()).toBe(30_000);
    // Waiting, because the relay asked to slow down: it says until when.
    expect(queued.routeReasons).toEqual({
      route: 'wait',
      relays: [{ relay: r.id, name: 'busy', code: 'slowed', until: queued.nextAttemptAt, status: '4.7.0' }],
    });
    const row = await t.app.ctx.store.db
      .selectFrom('relays')
      .select('failure_count')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.failure_count).toBe(0);
    expect((await t.call('GET', `/api/v1/usage?days=1`)).body.days[0].platform).toBe(0);
    t.clock.advance(30_000);
    t.app.worker!.wake();
    const sent = await settled(t, msg.id);
    expect(sent.deliveries[0]).toMatchObject({ status: 'sent', route: r.id });
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('waits for a relay at its pace, keeping the order, and says until when', async () => {
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'paced',
        host: '127.0.0.1',
        port: relay.port,
        security: 'none',
        dailyLimit: 10,
        rateLimitPerMinute: 1,
        domainId,
        emailTypes: ['workflow'],
      })
    ).body;
    const first = await send('pace1@example.net');
    expect((await settled(t, first.id)).deliveries[0]).toMatchObject({ status: 'sent', route: r.id });
    const second = await send('pace2@example.net');
    const waiting = await until(async () => {
      const d = await delivery(second.id);
      return d.status === 'queued' && d.routeReasons ? d : undefined;
    });
    expect(waiting.attempts).toEqual([]);
    expect(waiting.routeReasons).toEqual({
      route: 'wait',
      relays: [{ relay: r.id, name: 'paced', code: 'paced', until: waiting.nextAttemptAt, perMinute: 1 }],
    });
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('keeps mail on the relays with relayFallback "retry": a down relay defers instead of falling back', async () => {
    await t.call('PATCH', '/api/v1/settings', { relayFallback: 'retry' });
    const port = await closedPort();
    const r = (
      await t.call('POST', '/api/v1/relays', {
        name: 'later',
        host: '127.0.0.1',
        port,
        security: 'none',
        dailyLimit: 10,
        domainId,
        emailTypes: ['individual'],
      })
    ).body;
    const platformBefore = platform.received.messages.length;
    const msg = await send('keep@example.net', 'individual');
    const d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'deferred', lastStatus: expect.stringMatching(/^4\./) });
    expect(Date.parse(d.nextAttemptAt) - t.clock.now()).toBe(60_000);
    expect(platform.received.messages.length).toBe(platformBefore);
    expect(d.routeReasons).toEqual({
      route: 'retry',
      because: 'none_could_take',
      relays: [
        { relay: r.id, name: 'later', code: 'unreachable', status: '4.4.1', rule: 'conn.refused' },
        ...d.routeReasons.relays.slice(1),
      ],
    });
    expect(d.routeReasons.relays.slice(1).every((x: { code: string }) => x.code !== 'sent')).toBe(true);
    await t.call('PATCH', `/api/v1/relays/${r.id}`, { port: relay.port });
    t.clock.advance(60_000);
    t.app.worker!.wake();
    await until(async () => (await delivery(msg.id)).status === 'sent');
    expect((await delivery(msg.id)).route).toBe(r.id);
    await t.call('PATCH', '/api/v1/settings', { relayFallback: 'platform' });
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('retries a temporary failure of the platform with backoff, then fails after 72 hours with delivery.failed', async () => {
    const hook = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url('/failed'),
      events: ['delivery.failed'],
    });
    expect(hook.status).toBe(201);
    failNextPlatform = 1000;
    const msg = await send('later@example.net');
    let d = (await settled(t, msg.id)).deliveries[0];
    expect(d).toMatchObject({ status: 'deferred', route: 'platform', lastStatus: '4.2.2' });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const wait = Date.parse(d.nextAttemptAt) - t.clock.now();
      waits.push(wait / 60_000);
      t.clock.advance(wait);
      t.app.worker!.wake();
      d = await until(async () => {
        const x = await delivery(msg.id);
        return x.attempts.length === i + 2 && x.status !== 'sending' && x.status !== 'queued' ? x : undefined;
      });
    }
    expect(waits).toEqual([1, 5, 15, 60]);
    t.clock.advance(72 * 3_600_000);
    t.app.worker!.wake();
    d = await until(async () => {
      const x = await delivery(msg.id);
      return x.attempts.length === 6 && x.status !== 'sending' && x.status !== 'queued' ? x : undefined;
    });
    // Failed for good, saying why: the last temporary reply.
    expect(d).toMatchObject({ status: 'failed', route: 'platform', lastStatus: '4.2.2' });
    expect(d.lastReply).toContain('Mailbox temporarily full');
    const listed = (await t.call('GET', '/api/v1/messages?status=failed&recipient=later@example.net')).body;
    expect(listed.items.map((x: { deliveryId: string }) => x.deliveryId)).toEqual([d.id]);
    const webhook = await until(
      async () => receiver.received.find((r) => r.path === '/failed'),
      10_000,
      'the delivery.failed webhook',
    );
    expect(webhook.headers['x-mailroute-event']).toBe('delivery.failed');
    expect(JSON.parse(webhook.body).data).toMatchObject({
      deliveryId: d.id,
      status: 'failed',
      route: 'platform',
      smtpStatus: '4.2.2',
      attempts: 6,
    });
    failNextPlatform = 0;
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${hook.body.id}`);
  });

  it('claims individual email before workflow before mass (R9b)', async () => {
    const { ctx } = t.app;
    await stopWorker(t.app.worker!);
    const mass = await t.call('POST', '/api/v1/mass-emails', {
      from: 'a@sakura.com',
      subject: 's',
      text: 't',
      recipients: [{ address: 'm1@example.net' }, { address: 'm2@example.net' }],
    });
    expect(mass.status).toBe(202);
    await send('w@example.net', 'workflow');
    await send('i@example.net', 'individual');
    const now = t.clock.now() + 1e9;
    const first = await claimDue(ctx.store, { owner: 'test', limit: 2, now, leaseMs: 60_000 });
    expect(first.map((d) => d.type)).toEqual(['individual', 'workflow']);
    const rest = await claimDue(ctx.store, { owner: 'test', limit: 10, now, leaseMs: 60_000 });
    expect(rest.map((d) => d.type)).toEqual(['mass', 'mass']);
  });
});
