/**
 * `GET /metrics` over real HTTP: mail through a loopback relay (some refused with 451, which falls
 * back to the platform and trips the breaker), mail through platform delivery, a bounce and webhook
 * deliveries; the text is parsed with Prometheus's reference parser and the values checked against
 * what happened. The token protects it when set; unset, only loopback clients may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { type Family, parsePrometheus, parserMissing, sampleValue } from '../helpers/prometheus.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe.skipIf(parserMissing !== undefined).each(dialects)('GET /metrics on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let relayServer: TestSmtpServer;
  let receiver: WebhookReceiver;
  let relayId: string;
  const posted: number[] = [];

  beforeAll(async () => {
    platform = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^later@/, code: 451, message: '4.2.1 Mailbox busy, try later' },
    });
    relayServer = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^fail/, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    receiver = await startWebhookReceiver();
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_METRICS_TOKEN: TOKEN,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'office relay',
      host: '127.0.0.1',
      port: relayServer.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    relayId = relay.body.id;
    const hook = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url(),
      events: ['delivery.sent'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await platform?.close();
    await relayServer?.close();
    await receiver?.close();
  });

  const send = async (type: 'workflow' | 'individual', to: string) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type,
      from: 'amelia@sakura.com',
      to: [to],
      subject: 'metrics',
      text: 'x',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    posted.push(res.status);
    const detail = await settled(t, res.body.id);
    return detail.deliveries[0] as { id: string; status: string };
  };
  const scrape = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => {
    const res = await fetch(`${t.url}/metrics`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), res };
  };
  const families = async (): Promise<Family[]> => {
    const s = await scrape();
    expect(s.status, s.text).toBe(200);
    return parsePrometheus(s.text);
  };

  it('refuses a scrape without the token or with another, and never logs the token', async () => {
    const none = await scrape({});
    expect(none.status).toBe(401);
    expect(none.res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(JSON.parse(none.text).error.code).toBe('unauthorized');
    const apiKey = await scrape({ authorization: `Bearer ${ADMIN_KEY}` });
    expect(apiKey.status).toBe(401);
    const wrong = await scrape({ authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(TOKEN);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.text).not.toMatch(/<html|<!doctype/i);
    expect(t.logs.join('')).not.toContain(TOKEN);
  });

  it('counts deliveries by route, status and type, attempts per relay, bounces and the breaker', async () => {
    expect((await send('workflow', 'ok-1@example.net')).status).toBe('sent');
    expect((await send('workflow', 'ok-2@example.net')).status).toBe('sent');
    for (const n of [1, 2, 3]) expect((await send('workflow', `fail-${n}@example.net`)).status).toBe('sent');
    const individual = await send('individual', 'gone@example.net');
    expect(individual.status).toBe('sent');
    const bounce = await t.call('POST', '/api/v1/bounces', {
      deliveryId: individual.id,
      recipient: 'gone@example.net',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
    });
    expect(bounce.status, JSON.stringify(bounce.body)).toBe(201);
    // The third failure suspended the relay and queued a notice to the org's admin (system mail).
    await until(
      async () => {
        const s = await families();
        return (
          sampleValue(s, 'mailroute_deliveries_last_hour', {
            route: 'platform',
            status: 'sent',
            type: 'system',
          }) === 1
        );
      },
      15_000,
      "the admins' notice sent",
    );
    const m = await families();
    const deliveries = (route: string, status: string, type: string) =>
      sampleValue(m, 'mailroute_deliveries_last_hour', { route, status, type });
    expect(deliveries('relay', 'sent', 'workflow')).toBe(2);
    expect(deliveries('platform', 'sent', 'workflow')).toBe(3);
    expect(deliveries('platform', 'bounced', 'individual')).toBe(1);
    expect(deliveries('relay', 'sent', 'individual')).toBeUndefined();
    expect(relayServer.received.rcptTo.filter((r) => r.startsWith('ok-'))).toHaveLength(2);

    const family = m.find((f) => f.name === 'mailroute_attempt_duration_last_hour_seconds');
    expect(family?.type).toBe('histogram');
    const relayLabels = { route: 'relay', relay: relayId };
    // Two sent and three refused (fallback) through the relay; three fallbacks, one individual
    // and the notice through the platform.
    expect(sampleValue(m, 'mailroute_attempt_duration_last_hour_seconds_count', relayLabels)).toBe(5);
    expect(
      sampleValue(m, 'mailroute_attempt_duration_last_hour_seconds_bucket', { ...relayLabels, le: '+Inf' }),
    ).toBe(5);
    expect(
      sampleValue(m, 'mailroute_attempt_duration_last_hour_seconds_count', { route: 'platform', relay: '' }),
    ).toBe(5);
    const buckets = family!.samples
      .filter((s) => s.name.endsWith('_bucket') && s.labels.relay === relayId)
      .map((s) => s.value);
    expect(buckets).toHaveLength(11);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(
      sampleValue(m, 'mailroute_attempt_duration_last_hour_seconds_sum', relayLabels),
    ).toBeGreaterThanOrEqual(0);

    expect(sampleValue(m, 'mailroute_bounces_total', { class: 'hard' })).toBe(1);
    expect(m.find((f) => f.name === 'mailroute_bounces')?.type).toBe('counter');
    expect(sampleValue(m, 'mailroute_relays_suspended')).toBe(1);
    expect(sampleValue(m, 'mailroute_relay_suspensions_total')).toBe(1);
    expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'due' })).toBe(0);
    expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'sending' })).toBe(0);
    expect(sampleValue(m, 'mailroute_queue_oldest_due_age_seconds')).toBe(0);
  });

  it('counts webhook deliveries by status', async () => {
    const m = await until(
      async () => {
        const s = await families();
        const delivered = sampleValue(s, 'mailroute_webhook_deliveries', { status: 'delivered' });
        return sampleValue(s, 'mailroute_webhook_deliveries', { status: 'pending' }) === 0 &&
          delivered === receiver.received.length &&
          delivered >= 6
          ? s
          : undefined;
      },
      15_000,
      'every webhook delivered',
    );
    expect(sampleValue(m, 'mailroute_webhook_deliveries', { status: 'failed' })).toBe(0);
  });

  it('counts HTTP requests by method, route pattern and status, labelled with the serving process', async () => {
    await t.call('GET', '/api/v1/messages/msg_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    // The console's catch-all answers unknown API paths; a method no route has is left unmatched.
    await t.call('GET', '/api/v1/no-such-thing');
    await t.call('PUT', '/no-such-thing');
    const m = await families();
    const requests = m.find((f) => f.name === 'mailroute_http_requests')!;
    expect(requests.type).toBe('counter');
    const processes = new Set(requests.samples.map((s) => s.labels.process));
    expect([...processes]).toEqual([expect.stringMatching(new RegExp(`:${process.pid}$`))]);
    expect(
      sampleValue(m, 'mailroute_http_requests_total', {
        method: 'POST',
        route: '/api/v1/messages',
        status_code: '202',
      }),
    ).toBe(posted.length);
    expect(
      sampleValue(m, 'mailroute_http_requests_total', {
        method: 'GET',
        route: '/api/v1/messages/:id',
        status_code: '404',
      }),
    ).toBe(1);
    expect(
      sampleValue(m, 'mailroute_http_requests_total', { method: 'GET', route: '/*', status_code: '404' }),
    ).toBe(1);
    expect(
      sampleValue(m, 'mailroute_http_requests_total', { route: '(unmatched)', status_code: '404' }),
    ).toBe(1);
    expect(
      sampleValue(m, 'mailroute_http_requests_total', {
        method: 'GET',
        route: '/metrics',
        status_code: '401',
      }),
    ).toBe(3);
    expect(requests.samples.some((s) => s.labels.route?.includes('msg_'))).toBe(false);
  });

  it('reports the queue (due, scheduled, sending), how long its oldest due delivery has waited, and the hour of deliveries', async () => {
    // The platform answers 451 to this one: deferred, retried a minute later.
    const deferred = await send('individual', 'later@example.net');
    expect(deferred.status).toBe('deferred');
    await stopWorker(t.app.worker!);
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['waits@example.net'],
      subject: 'waits',
      text: 'x',
    });
    expect(res.status).toBe(202);
    t.clock.advance(30_000);
    const m = await families();
    expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'due' })).toBe(1);
    expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'scheduled' })).toBe(1);
    expect(sampleValue(m, 'mailroute_queue_deliveries', { state: 'sending' })).toBe(0);
    expect(sampleValue(m, 'mailroute_queue_oldest_due_age_seconds')).toBe(30);
    const recent = (families: Family[], route: string, status: string, type: string) =>
      sampleValue(families, 'mailroute_deliveries_last_hour', { route, status, type });
    expect(recent(m, 'none', 'queued', 'individual')).toBe(1);
    expect(recent(m, 'platform', 'deferred', 'individual')).toBe(1);
    // An hour on, the window holds none of this mail; the queue still holds both, due now.
    t.clock.advance(3_600_000);
    const later = await families();
    expect(recent(later, 'relay', 'sent', 'workflow')).toBeUndefined();
    expect(recent(later, 'none', 'queued', 'individual')).toBeUndefined();
    expect(
      sampleValue(later, 'mailroute_attempt_duration_last_hour_seconds_count', { relay: relayId }),
    ).toBeUndefined();
    expect(sampleValue(later, 'mailroute_queue_deliveries', { state: 'due' })).toBe(2);
    expect(sampleValue(later, 'mailroute_queue_deliveries', { state: 'scheduled' })).toBe(0);
    expect(sampleValue(later, 'mailroute_queue_oldest_due_age_seconds')).toBe(3630);
    expect(sampleValue(later, 'mailroute_bounces_total', { class: 'hard' })).toBe(1);
  });
});

describe.skipIf(parserMissing !== undefined)('GET /metrics without a token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers loopback clients, whether or not they send credentials, and refuses any other address', async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    const families = parsePrometheus(await res.text());
    expect(sampleValue(families, 'mailroute_relays_suspended')).toBe(0);
    // Other addresses are never contacted in tests: Fastify's injection sets the client address.
    const remote = await t.app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.7' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.message).toContain('MAILROUTE_METRICS_TOKEN');
    const mapped = await t.app.http.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '::ffff:127.0.0.1',
    });
    expect(mapped.statusCode).toBe(200);
  });
});

if (parserMissing) describe.skip(`GET /metrics: ${parserMissing}`, () => {});
