import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextWebhookAttempt } from '../../src/domain/webhooks.js';
import { pruneWebhookHistory } from '../../src/webhooks/prune.js';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled, until } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** What a receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare. */
function verify(secret: string, headers: Record<string, unknown>, body: string): boolean {
  const ts = String(headers['x-mailroute-timestamp']);
  const sig = String(headers['x-mailroute-signature']);
  const expected = `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

describe('webhook retry schedule', () => {
  const t0 = Date.parse('2026-11-28T00:00:00Z');
  const min = 60_000;
  it.each([
    [1, t0, t0 + 1 * min],
    [2, t0 + 1 * min, t0 + 6 * min],
    [3, t0 + 6 * min, t0 + 21 * min],
    [4, t0 + 21 * min, t0 + 81 * min],
    [9, t0 + 10 * 60 * min, t0 + 22 * 60 * min],
  ])('after %i failed attempts at %i it tries again at %i', (attempts, now, at) => {
    expect(nextWebhookAttempt({ attempts, createdAt: t0, now })).toBe(at);
  });
  it('gives up once the next try would be more than 24 hours after the event', () => {
    expect(nextWebhookAttempt({ attempts: 9, createdAt: t0, now: t0 + 20 * 60 * min })).toBeUndefined();
  });
});

describe.each(dialects)('event webhooks on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let receiver: WebhookReceiver;
  const secrets: string[] = [];
  let dns: TestDnsServer;

  beforeAll(async () => {
    platform = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^later@/, code: 451 },
    });
    receiver = await startWebhookReceiver();
    dns = await startDnsServer();
    dns.set('hooks.sakura.test', { A: ['127.0.0.1'] });
    dns.set('metadata.sakura.test', { A: ['169.254.169.254'] });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await receiver.close();
    await dns.close();
  });

  const endpoint = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/webhooks/endpoints', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    secrets.push(res.body.secret);
    return res.body as { id: string; secret: string };
  };
  const send = async (to: string) => {
    const { messageId, deliveryId } = await sendOneSettled(t, to, 'individual');
    return { messageId, deliveryId };
  };
  const at = (path: string) => receiver.received.filter((r) => r.path === path);

  it('checks endpoints: http(s) URLs, known events, admins only', async () => {
    const bad = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: 'ftp://127.0.0.1/x',
      events: ['delivery.sent', 'delivery.opened'],
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['events.1', 'url'].sort());
    const linkLocal = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: 'http://169.254.169.254/latest',
      events: ['delivery.sent'],
    });
    expect(linkLocal.status).toBe(400);
    const member = await userSession(t, 'member');
    const denied = await t.call(
      'POST',
      '/api/v1/webhooks/endpoints',
      { url: receiver.url(), events: ['delivery.sent'] },
      null,
      { cookie: member },
    );
    expect(denied.status).toBe(403);
    expect(
      (await t.call('GET', '/api/v1/webhooks/endpoints', undefined, null, { cookie: member })).status,
    ).toBe(200);
  });

  it('refuses a URL with a user name or password, on creation and change, storing and auditing nothing', async () => {
    const db = t.app.ctx.store.db;
    const auditRows = async () =>
      (
        await db.selectFrom('audit_log').select(['id', 'action', 'before', 'after']).orderBy('id').execute()
      ).map((r) => JSON.stringify(r));
    const withCredentials = receiver.url('/creds').replace('http://', 'http://hook-user:hook-pass-1@');
    const auditBefore = await auditRows();
    const created = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: withCredentials,
      events: ['delivery.sent'],
    });
    expect(created.status).toBe(400);
    expect(Object.keys(created.body.error.fields)).toEqual(['url']);
    expect(created.body.error.fields.url).toMatch(/user name or password/);
    const userOnly = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url('/creds').replace('http://', 'http://hook-user@'),
      events: ['delivery.sent'],
    });
    expect(userOnly.status).toBe(400);
    expect(Object.keys(userOnly.body.error.fields)).toEqual(['url']);

    const ep = await endpoint({ url: receiver.url('/plain'), events: ['delivery.sent'] });
    const auditAfterCreate = await auditRows();
    const changed = await t.call('PATCH', `/api/v1/webhooks/endpoints/${ep.id}`, { url: withCredentials });
    expect(changed.status).toBe(400);
    expect(Object.keys(changed.body.error.fields)).toEqual(['url']);
    expect((await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}`)).body.url).toBe(
      receiver.url('/plain'),
    );

    const stored = await db.selectFrom('webhook_endpoints').select('url').execute();
    expect(JSON.stringify(stored)).not.toContain('hook-user');
    const audit = await auditRows();
    expect(audit.length).toBe(auditBefore.length + 1); // the plain endpoint's creation only
    expect(audit).toEqual(auditAfterCreate);
    for (const text of [
      JSON.stringify(created.body),
      JSON.stringify(changed.body),
      ...audit,
      t.logs.join(''),
    ])
      expect(text).not.toContain('hook-pass-1');
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${ep.id}`);
  });

  it('sends signed, verifiable events only to enabled endpoints subscribed to them', async () => {
    const all = await endpoint({ url: receiver.url('/all'), events: ['delivery.sent', 'delivery.bounced'] });
    const deferredOnly = await endpoint({
      url: receiver.url('/deferred-only'),
      events: ['delivery.deferred'],
    });
    const disabled = await endpoint({
      url: receiver.url('/disabled'),
      events: ['delivery.sent'],
      enabled: false,
    });
    const sent = await send('one@example.net');
    const [got] = await until(async () => at('/all').length > 0 && at('/all'), 10_000, 'the webhook');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-mailroute-event']).toBe('delivery.sent');
    expect(verify(all.secret, got!.headers, got!.body)).toBe(true);
    expect(verify(all.secret, got!.headers, got!.body.replace('one@', 'two@'))).toBe(false);
    const payload = JSON.parse(got!.body);
    expect(payload).toMatchObject({
      type: 'delivery.sent',
      createdAt: expect.any(String),
      data: {
        deliveryId: sent.deliveryId,
        messageId: sent.messageId,
        recipient: 'one@example.net',
        route: 'platform',
      },
    });
    expect(payload.id).toMatch(/^evt_/);
    const deliveries = async (id: string) => {
      const res = await t.call('GET', `/api/v1/webhooks/endpoints/${id}/deliveries`);
      expect(res.status).toBe(200);
      return res.body.items;
    };
    const log = await until(
      async () => {
        const items = await deliveries(all.id);
        return items[0]?.status === 'delivered' && items;
      },
      10_000,
      'the delivery to be recorded',
    );
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventId: payload.id,
      eventType: 'delivery.sent',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    // The event was fanned out to every endpoint in one transaction, before /all received it: an
    // endpoint that (wrongly) got it has a delivery of it in its log by now.
    expect(await deliveries(deferredOnly.id)).toEqual([]);
    expect(await deliveries(disabled.id)).toEqual([]);
    expect(at('/deferred-only')).toHaveLength(0);
    expect(at('/disabled')).toHaveLength(0);
    expect(at('/all')).toHaveLength(1);
    await t.call('PATCH', `/api/v1/webhooks/endpoints/${all.id}`, { enabled: false });
  });

  it('records deferrals and bounces of the delivery engine as events', async () => {
    const ep = await endpoint({ url: receiver.url('/problems'), events: ['delivery.deferred'] });
    const later = await send('later@example.net');
    const [got] = await until(async () => at('/problems').length > 0 && at('/problems'), 10_000, 'the event');
    const payload = JSON.parse(got!.body);
    expect(payload).toMatchObject({
      type: 'delivery.deferred',
      data: { deliveryId: later.deliveryId, status: 'deferred', smtpStatus: expect.stringMatching(/^4\./) },
    });
    expect(Date.parse(payload.data.nextAttemptAt)).toBeGreaterThan(t.clock.now());
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${ep.id}`);
  });

  it('resolves a host name with its own resolver at send time and never reaches a link-local address', async () => {
    const port = new URL(receiver.url()).port;
    const named = await endpoint({
      url: `http://hooks.sakura.test:${port}/named`,
      events: ['delivery.sent'],
    });
    const metadata = await endpoint({ url: 'http://metadata.sakura.test/latest', events: ['delivery.sent'] });
    await send('named@example.net');
    const [got] = await until(async () => at('/named').length > 0 && at('/named'), 10_000, 'the webhook');
    expect(got!.headers.host).toBe(`hooks.sakura.test:${port}`);
    const refused = await until(async () => {
      const log = await t.call('GET', `/api/v1/webhooks/endpoints/${metadata.id}/deliveries`);
      return log.body.items[0]?.attempts === 1 && log.body.items[0];
    });
    expect(refused).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(refused.lastError).toContain('169.254.169.254 (link-local)');
    expect(at('/latest')).toHaveLength(0);
    for (const ep of [named, metadata]) await t.call('DELETE', `/api/v1/webhooks/endpoints/${ep.id}`);
  });

  it('retries a failing receiver after the clock has advanced', async () => {
    const ep = await endpoint({ url: receiver.url('/flaky'), events: ['delivery.sent'] });
    receiver.status = 503;
    await send('flaky@example.net');
    await until(async () => at('/flaky').length === 1, 10_000, 'the first attempt');
    const pending = await until(async () => {
      const log = await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}/deliveries`);
      return log.body.items[0]?.attempts === 1 && log.body.items[0];
    });
    expect(pending).toMatchObject({ status: 'pending', lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(Date.parse(pending.nextAttemptAt) - t.clock.now()).toBe(60_000);
    receiver.status = 200;
    // A later event for another endpoint, due now: once it is delivered, the dispatcher has made a
    // pass since the receiver recovered, and left the failed delivery for its time.
    const marker = await endpoint({ url: receiver.url('/marker'), events: ['delivery.deferred'] });
    await send('later@example.net'); // deferred by the platform (451)
    await until(
      async () => {
        const log = await t.call('GET', `/api/v1/webhooks/endpoints/${marker.id}/deliveries`);
        return log.body.items[0]?.status === 'delivered';
      },
      10_000,
      'the marker event',
    );
    expect(at('/flaky')).toHaveLength(1);
    expect(
      (await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}/deliveries`)).body.items[0],
    ).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${marker.id}`);
    t.clock.advance(61_000);
    await until(async () => at('/flaky').length === 2, 10_000, 'the retry');
    const [first, second] = at('/flaky');
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['x-mailroute-webhook-id']).toBe(first!.headers['x-mailroute-webhook-id']);
    expect(verify(ep.secret, second!.headers, second!.body)).toBe(true);
    const done = await until(async () => {
      const log = await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}/deliveries`);
      return log.body.items[0]?.status === 'delivered' && log.body.items[0];
    });
    expect(done).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null });
    await t.call('DELETE', `/api/v1/webhooks/endpoints/${ep.id}`);
  });

  it('never shows the secret again: not in reads, changes, the audit log or the logs', async () => {
    const ep = await endpoint({ url: receiver.url('/quiet'), events: ['relay.suspended'] });
    const list = await t.call('GET', '/api/v1/webhooks/endpoints');
    const one = await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}`);
    const patched = await t.call('PATCH', `/api/v1/webhooks/endpoints/${ep.id}`, {
      events: ['relay.suspended', 'delivery.failed'],
      description: 'ops',
    });
    expect(patched.body).toMatchObject({
      events: ['relay.suspended', 'delivery.failed'],
      description: 'ops',
    });
    const audit = await t.call('GET', '/api/v1/audit-log?limit=100');
    expect(
      audit.body.items.filter((i: { action: string }) => i.action.startsWith('webhook_endpoint.')).length,
    ).toBeGreaterThanOrEqual(3);
    const stored = await t.app.ctx.store.db.selectFrom('webhook_endpoints').select('secret_enc').execute();
    for (const text of [
      JSON.stringify(list.body),
      JSON.stringify(one.body),
      JSON.stringify(patched.body),
      JSON.stringify(audit.body),
      JSON.stringify(stored),
      t.logs.join(''),
    ]) {
      for (const s of secrets) expect(text).not.toContain(s);
    }
    expect(one.body.secret).toBeUndefined();
    expect((await t.call('DELETE', `/api/v1/webhooks/endpoints/${ep.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/webhooks/endpoints/${ep.id}`)).status).toBe(404);
  });

  it('deletes events and finished webhook deliveries after 30 days, never pending ones', async () => {
    const db = t.app.ctx.store.db;
    const orgId = (await db.selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id;
    const old = t.clock.now() - 31 * 86_400_000;
    const ev = (id: string, pending: number) => ({
      id,
      org_id: orgId,
      type: 'delivery.sent',
      data: '{}',
      created_at: old,
      webhooks_pending: pending,
    });
    // In one transaction, so the running dispatcher cannot fan the pending one out meanwhile.
    const left = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('events')
        .values([ev('evt_old_done', 0), ev('evt_old_pending', 1)])
        .execute();
      await pruneWebhookHistory(t.app.ctx, trx);
      const rows = await trx.selectFrom('events').select('id').where('id', 'like', 'evt_old_%').execute();
      await trx.deleteFrom('events').where('id', 'like', 'evt_old_%').execute();
      return rows.map((r) => r.id);
    });
    expect(left).toEqual(['evt_old_pending']);
  });

  it('leaves the bounce import webhooks where they were', async () => {
    const res = await t.call('POST', '/api/v1/webhooks/nosuchprovider', {}, null);
    expect(res.status).not.toBe(201);
    expect([400, 401, 404]).toContain(res.status);
  });
});
