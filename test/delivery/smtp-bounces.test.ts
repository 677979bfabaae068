import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** An SMTP error as smtp-server sends it: the code, then the text (with its enhanced status). */
const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * The recipient servers of these tests answer by local part: `gone` is unknown (550 5.1.1 at RCPT),
 * `full` has a full mailbox (552 5.2.2 at RCPT), `spam` is refused at the end of DATA (554 5.7.1),
 * `busy` is refused for now (450 4.2.1); everyone else is accepted.
 */
async function recipientServer(): Promise<TestSmtpServer & { asked: string[] }> {
  const asked: string[] = [];
  const server = await startSmtpServer({
    mode: 'plain',
    extra: {
      onRcptTo(address, _session, callback) {
        asked.push(address.address);
        const local = address.address.split('@')[0]!;
        if (local.startsWith('gone'))
          return callback(
            smtpError(
              550,
              '5.1.1 <' +
                address.address +
                '>: Recipient address rejected: User unknown in virtual mailbox table',
            ),
          );
        if (local.startsWith('full')) return callback(smtpError(552, '5.2.2 Mailbox full: quota exceeded'));
        if (local.startsWith('busy')) return callback(smtpError(450, '4.2.1 Mailbox busy, try again later'));
        callback();
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          if (session.envelope.rcptTo.some((r) => r.address.startsWith('spam')))
            return callback(smtpError(554, '5.7.1 Message rejected as spam by the content filter'));
          callback(null, 'Queued');
        });
      },
    },
  });
  return Object.assign(server, { asked });
}

type Detail = {
  deliveries: {
    id: string;
    recipient: string;
    status: string;
    lastStatus: string | null;
    route: string | null;
    bounces: { status: string; action: string; class: string; source: string; diagnosticCode: string }[];
  }[];
};

/** What a test reads after a refusal: the delivery, its bounces, the suppression and the event. */
function readers(t: () => TestApp) {
  const suppression = async (address: string) =>
    (await t().call('GET', `/api/v1/suppressions?address=${encodeURIComponent(address)}`)).body.items[0];
  const bouncedEvent = async (deliveryId: string) => {
    const rows = await t()
      .app.ctx.store.db.selectFrom('events')
      .select(['type', 'data'])
      .where('type', '=', 'delivery.bounced')
      .execute();
    return rows.map((r) => JSON.parse(r.data)).find((d) => d.deliveryId === deliveryId);
  };
  const bounceRows = (deliveryId: string) =>
    t().app.ctx.store.db.selectFrom('bounces').selectAll().where('delivery_id', '=', deliveryId).execute();
  return { suppression, bouncedEvent, bounceRows };
}

describe.each(dialects)('refusals at SMTP time are bounces (%s)', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer & { asked: string[] };
  let platform: TestSmtpServer;
  let receiver: WebhookReceiver;
  const { suppression, bouncedEvent, bounceRows } = readers(() => t);

  beforeAll(async () => {
    relay = await recipientServer();
    platform = await startSmtpServer({ mode: 'plain' });
    receiver = await startWebhookReceiver();
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_DEFAULT_PLAN: 'top',
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const created = await t.call('POST', '/api/v1/relays', {
      name: 'the org relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 1000,
      domainId,
      emailTypes: ['workflow', 'mass', 'individual'],
      authentication: { type: 'none' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const hook = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url('/bounces'),
      events: ['delivery.bounced'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
    await platform.close();
    await receiver.close();
  });

  const mass = async (addresses: string[]) => {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'News',
      text: 'hello',
      recipients: addresses.map((address) => ({ address })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return { submitted: res.body, detail: (await settled(t, res.body.id, 20_000)) as Detail };
  };
  const workflow = async (to: string) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'a@sakura.com',
      to: [to],
      subject: 'Hello',
      text: 'x',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return ((await settled(t, res.body.id, 20_000)) as Detail).deliveries[0]!;
  };

  it("a relay's 550 5.1.1 at RCPT: bounced, a hard bounce from smtp, suppressed, and the next mass email skips it", async () => {
    const first = await mass(['gone@example.net', 'reader@example.net']);
    expect(first.submitted).toMatchObject({ accepted: 2, suppressed: 0 });
    const gone = first.detail.deliveries.find((d) => d.recipient === 'gone@example.net')!;
    const reader = first.detail.deliveries.find((d) => d.recipient === 'reader@example.net')!;
    expect(reader.status).toBe('sent');
    expect(gone).toMatchObject({ status: 'bounced', lastStatus: '5.1.1' });
    expect(gone.route).not.toBe('platform');
    expect(gone.bounces).toHaveLength(1);
    expect(gone.bounces[0]).toMatchObject({
      status: '5.1.1',
      action: 'failed',
      class: 'hard',
      source: 'smtp',
    });
    expect(gone.bounces[0]!.diagnosticCode).toMatch(/User unknown/);
    expect(await suppression('gone@example.net')).toMatchObject({
      address: 'gone@example.net',
      reason: 'hard-bounce',
      source: 'smtp',
    });
    expect(await suppression('reader@example.net')).toBeUndefined();
    expect(await bouncedEvent(gone.id)).toMatchObject({
      recipient: 'gone@example.net',
      status: 'bounced',
      smtpStatus: '5.1.1',
      class: 'hard',
      reason: 'user-unknown',
      source: 'smtp',
      suppressed: 'hard-bounce',
    });
    // The endpoint subscribed to delivery.bounced receives it, as for a DSN.
    const delivered = await until(
      async () =>
        receiver.received
          .map((r) => JSON.parse(r.body))
          .find((b) => b.type === 'delivery.bounced' && b.data.deliveryId === gone.id),
      15_000,
      'the delivery.bounced webhook',
    );
    expect(delivered.data).toMatchObject({
      class: 'hard',
      reason: 'user-unknown',
      suppressed: 'hard-bounce',
    });
    // The accepted delivery's event says nothing of bounces.
    const sentEvents = await t.app.ctx.store.db
      .selectFrom('events')
      .select('data')
      .where('type', '=', 'delivery.sent')
      .execute();
    const readerEvent = sentEvents.map((r) => JSON.parse(r.data)).find((d) => d.deliveryId === reader.id);
    expect(readerEvent).toBeDefined();
    expect(readerEvent).not.toHaveProperty('class');

    const rcptBefore = relay.asked.filter((a) => a === 'gone@example.net').length;
    expect(rcptBefore).toBe(1);
    const second = await mass(['gone@example.net', 'reader@example.net']);
    expect(second.submitted).toMatchObject({ accepted: 1, suppressed: 1 });
    expect(second.detail.deliveries.map((d) => `${d.recipient}:${d.status}`).sort()).toEqual([
      'gone@example.net:suppressed',
      'reader@example.net:sent',
    ]);
    expect(relay.asked.filter((a) => a === 'gone@example.net')).toHaveLength(1);
    expect(await bounceRows(gone.id)).toHaveLength(1);
  });

  it('a 552 5.2.2 mailbox full at RCPT is a soft bounce: not suppressed at once, suppressed by the soft rule', async () => {
    const first = await workflow('full@example.net');
    expect(first).toMatchObject({ status: 'bounced', lastStatus: '5.2.2' });
    expect(first.bounces).toMatchObject([
      { status: '5.2.2', class: 'soft', source: 'smtp', action: 'failed' },
    ]);
    expect(await suppression('full@example.net')).toBeUndefined();
    expect(await bouncedEvent(first.id)).toMatchObject({
      class: 'soft',
      reason: 'mailbox-full',
      suppressed: null,
    });
    // The org's soft-bounce rule (default: 3 deliveries within 7 days) counts SMTP-time bounces.
    const second = await workflow('full@example.net');
    expect(second.bounces).toMatchObject([{ class: 'soft', source: 'smtp' }]);
    expect(await suppression('full@example.net')).toBeUndefined();
    const third = await workflow('full@example.net');
    expect(await bouncedEvent(third.id)).toMatchObject({
      reason: 'mailbox-full',
      suppressed: 'soft-bounces',
    });
    expect(await suppression('full@example.net')).toMatchObject({ reason: 'soft-bounces', source: 'smtp' });
  });

  it('a permanent refusal at the end of DATA is a bounce from smtp, judged as a refusal of the content', async () => {
    const d = await workflow('spam@example.net');
    expect(d).toMatchObject({ status: 'bounced', lastStatus: '5.7.1' });
    expect(d.bounces).toMatchObject([{ status: '5.7.1', class: 'soft', source: 'smtp' }]);
    expect(d.bounces[0]!.diagnosticCode).toMatch(/rejected as spam/);
    const event = await bouncedEvent(d.id);
    expect(event).toMatchObject({ class: 'soft', source: 'smtp', suppressed: null });
    expect(event.reason).not.toBe('user-unknown');
    expect(await suppression('spam@example.net')).toBeUndefined();
  });

  it('a temporary refusal at RCPT is no bounce', async () => {
    const d = await workflow('busy@example.net');
    expect(d.status).not.toBe('bounced');
    expect(d.bounces).toEqual([]);
    expect(await bounceRows(d.id)).toEqual([]);
    expect(await suppression('busy@example.net')).toBeUndefined();
  });
});

/**
 * Platform delivery straight to the recipient domain's MX, found through a DNS server on loopback:
 * the domain's DNS decides before any server does.
 */
describe('platform delivery: the recipient domain as its DNS answers it', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;
  const { suppression, bouncedEvent, bounceRows } = readers(() => t);

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
      'nullmx.example': { MX: [{ exchange: '.', priority: 0 }] },
    });
    mx = await recipientServer();
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
    await mx.close();
    await dns.close();
  });

  const send = async (to: string) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'a@sakura.com',
      to: [to],
      subject: 'Hello',
      text: 'x',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return ((await settled(t, res.body.id, 20_000)) as Detail).deliveries[0]!;
  };

  it('delivers to the MX host (the setup is sound)', async () => {
    expect((await send('reader@example.net')).status).toBe('sent');
  });

  it("the MX host's 550 5.1.1 at RCPT: a hard bounce from smtp, suppressed", async () => {
    const d = await send('gone@example.net');
    expect(d).toMatchObject({ status: 'bounced', route: 'platform', lastStatus: '5.1.1' });
    expect(d.bounces).toMatchObject([{ status: '5.1.1', class: 'hard', source: 'smtp' }]);
    expect(await bouncedEvent(d.id)).toMatchObject({ reason: 'user-unknown', suppressed: 'hard-bounce' });
    expect(await suppression('gone@example.net')).toMatchObject({ reason: 'hard-bounce', source: 'smtp' });
  });

  it('a domain that does not exist (NXDOMAIN): a hard bounce, host unknown, suppressed', async () => {
    const d = await send('someone@nowhere.example');
    expect(d).toMatchObject({ status: 'bounced', route: 'platform', lastStatus: '5.1.2' });
    expect(d.bounces).toMatchObject([{ status: '5.1.2', class: 'hard', source: 'smtp' }]);
    expect(await bouncedEvent(d.id)).toMatchObject({ reason: 'host-unknown', suppressed: 'hard-bounce' });
    expect(await suppression('someone@nowhere.example')).toMatchObject({ reason: 'hard-bounce' });
  });

  it('a domain with a null MX: a hard bounce, does not accept mail, suppressed', async () => {
    const d = await send('someone@nullmx.example');
    expect(d).toMatchObject({ status: 'bounced', route: 'platform', lastStatus: '5.1.10' });
    expect(d.bounces).toMatchObject([{ status: '5.1.10', class: 'hard', source: 'smtp' }]);
    expect(await bouncedEvent(d.id)).toMatchObject({ reason: 'not-accept', suppressed: 'hard-bounce' });
    expect(await suppression('someone@nullmx.example')).toMatchObject({ reason: 'hard-bounce' });
  });

  it('a lookup that fails (SERVFAIL) defers: no bounce, no suppression', async () => {
    dns.failing(true);
    try {
      const d = await send('later@example.net');
      expect(d.status).toBe('deferred');
      expect(d.bounces).toEqual([]);
      expect(await bounceRows(d.id)).toEqual([]);
    } finally {
      dns.failing(false);
    }
    expect(await suppression('later@example.net')).toBeUndefined();
  });
});
