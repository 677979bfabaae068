import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tokyoMidnightAfterNoon } from '../helpers/clock.js';
import { dialects } from '../helpers/databases.js';
import { deliveriesIn, messageFor, settled, until, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe.each(dialects)('delivery through relays and the platform on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let platform: TestSmtpServer;
  let relayWorkflow: TestSmtpServer;
  let relayMass: TestSmtpServer;
  let domainId: string;

  beforeAll(async () => {
    dns = await startDnsServer();
    platform = await startSmtpServer({ mode: 'plain' });
    relayWorkflow = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: {
        pattern: /^nobody@/,
        code: 550,
        message: '5.1.1 <nobody@example.net>: Recipient address rejected: User unknown',
      },
    });
    relayMass = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const d = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body;
    domainId = d.id;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    expect((await t.call('POST', `/api/v1/domains/${d.id}/verify`)).body.domain.verified).toBe(true);
  });
  afterAll(async () => {
    await t.close();
    for (const s of [platform, relayWorkflow, relayMass]) await s.close();
    await dns.close();
  });

  const relay = async (over: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'r',
      host: '127.0.0.1',
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
      ...over,
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const send = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'Amelia <amelia@sakura.com>',
      subject: 'Hello',
      text: 'Hi there',
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body;
  };

  it('sends up to the relay cap and the rest through the platform (cap 3, 5 workflow emails)', async () => {
    const r = await relay({ name: 'workflow relay', port: relayWorkflow.port, dailyLimit: 3 });
    const msg = await send({
      to: ['a1@example.net', 'a2@example.net', 'a3@example.net', 'a4@example.net', 'a5@example.net'],
    });
    const detail = await settled(t, msg.id);
    const routes = detail.deliveries.map(
      (d: { status: string; route: string }) =>
        `${d.status}:${d.route === 'platform' ? 'platform' : 'relay'}`,
    );
    expect(routes.filter((x: string) => x === 'sent:relay')).toHaveLength(3);
    expect(routes.filter((x: string) => x === 'sent:platform')).toHaveLength(2);
    // Each says why: the relay took three; the cap sent the other two to the platform.
    const reasons = detail.deliveries.map((d: { routeReasons: unknown }) => d.routeReasons);
    const name = 'workflow relay';
    expect(reasons.filter((x: unknown) => JSON.stringify(x).includes('"sent"'))).toEqual(
      Array(3).fill({ route: 'relay', relays: [{ relay: r.id, name, code: 'sent' }] }),
    );
    expect(reasons.filter((x: { route: string }) => x.route === 'platform')).toEqual(
      Array(2).fill({
        route: 'platform',
        because: 'none_could_take',
        relays: [{ relay: r.id, name, code: 'cap', used: 3, limit: 3 }],
      }),
    );
    // The log list carries them too.
    const log = (await t.call('GET', '/api/v1/messages?recipient=a1@example.net')).body.items[0];
    expect(log.routeReasons.relays[0]).toMatchObject({ relay: r.id, name });
    expect(relayWorkflow.received.messages).toHaveLength(3);
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body.usageToday).toBe(3);
    const usage = (await t.call('GET', '/api/v1/usage?days=1')).body.days[0];
    expect(usage).toMatchObject({ plan: 5, platform: 2, relays: [{ relayId: r.id, count: 3 }] });
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('sends mass email through the relay that takes mass, and signs with the domain key', async () => {
    const wf = await relay({ name: 'workflow', port: relayWorkflow.port });
    const mass = await relay({ name: 'mass', port: relayMass.port, emailTypes: ['mass'] });
    const before = relayWorkflow.received.messages.length;
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'Hi {{name}}',
      html: '<p>Dear {{name}}</p>',
      recipients: [
        { address: 'm1@example.net', fields: { name: 'Ann <b>' } },
        { address: 'm2@example.net', fields: { name: 'Bob' }, notice: 'You asked for this.' },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, suppressed: 0 });
    const sent = await settled(t, res.body.id);
    expect(relayMass.received.messages).toHaveLength(2);
    // The mass relay took each; the workflow relay was passed over: it does not take mass email.
    for (const d of sent.deliveries)
      expect(d.routeReasons).toEqual({
        route: 'relay',
        relays: [
          { relay: mass.id, name: 'mass', code: 'sent' },
          { relay: wf.id, name: 'workflow', code: 'type_off', type: 'mass' },
        ],
      });
    expect(relayWorkflow.received.messages.length).toBe(before);
    const first = relayMass.received.messages
      .map((m) => m.toString())
      .find((m) => m.includes('m1@example.net'))!;
    expect(first).toContain('Subject: Hi Ann <b>');
    expect(first).toContain('Dear Ann &#60;b&#62;');
    const second = relayMass.received.messages
      .map((m) => m.toString())
      .find((m) => m.includes('m2@example.net'))!;
    expect(second).toContain('You asked for this.');
    expect(await verifyDkim(relayMass.received.messages[0]!, dns.address)).toEqual([
      { domain: 'sakura.com', result: 'pass' },
    ]);
    await t.call('DELETE', `/api/v1/relays/${wf.id}`);
    await t.call('DELETE', `/api/v1/relays/${mass.id}`);
  });

  it('uses the return path of each bounce mode', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { mode: 'platform', fixedReturnPath: false },
        /^bounces\+[a-z2-7]{26}-[a-z2-7]{16}@bounces\.mailroute\.localhost$/,
      ],
      [{ mode: 'platform', fixedReturnPath: true }, /^catchall@bounces\.mailroute\.localhost$/],
      [{ mode: 'from' }, /^amelia@sakura\.com$/],
      [{ mode: 'address', address: 'bounce@sakura.com' }, /^bounce@sakura\.com$/],
    ];
    for (const [bounceHandling, expected] of cases) {
      const r = await relay({ port: relayMass.port, bounceHandling });
      const msg = await send({ to: ['rp@example.net'] });
      await settled(t, msg.id);
      expect(relayMass.received.mailFrom.at(-1)).toMatch(expected);
      await t.call('DELETE', `/api/v1/relays/${r.id}`);
    }
  });

  it('marks a recipient the relay rejects (550 5.1.1) as bounced, without falling back', async () => {
    const r = await relay({ port: relayWorkflow.port });
    const platformBefore = platform.received.rcptTo.length;
    const msg = await send({ to: ['nobody@example.net'] });
    const detail = await settled(t, msg.id);
    expect(detail.deliveries[0]).toMatchObject({ status: 'bounced', route: r.id, lastStatus: '5.1.1' });
    expect(detail.deliveries[0].lastReply).toContain('User unknown');
    expect(detail.deliveries[0].attempts).toHaveLength(1);
    expect(detail.deliveries[0].routeReasons).toEqual({
      route: 'relay',
      relays: [{ relay: r.id, name: 'r', code: 'bounced', status: '5.1.1', rule: 'rcpt.user-unknown' }],
    });
    // The log names the rule that classified the last reply, so the console can explain it.
    const logged = (await t.call('GET', '/api/v1/messages?recipient=nobody@example.net')).body.items;
    expect(
      logged.map((x: { lastReply: string; lastReplyRule: string }) => [x.lastReply, x.lastReplyRule]),
    ).toEqual([[detail.deliveries[0].lastReply, 'rcpt.user-unknown']]);
    expect(platform.received.rcptTo.length).toBe(platformBefore);
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('falls back to the platform when the relay is down, suspends it after the third failure until local midnight, and tells the admins', async () => {
    const r = await relay({ name: 'down relay', port: await closedPort() });
    const ids: string[] = [];
    const reasons: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const msg = await send({ to: [`down${i}@example.net`] });
      const detail = await settled(t, msg.id);
      expect(detail.deliveries[0]).toMatchObject({ status: 'sent', route: 'platform' });
      ids.push(detail.deliveries[0].id);
      reasons.push(detail.deliveries[0].routeReasons);
    }
    // Three refused connections, each then sent by the platform; the fourth finds the relay suspended.
    const name = 'down relay';
    const refused = { relay: r.id, name, code: 'unreachable', status: '4.4.1', rule: 'conn.refused' };
    expect(reasons.slice(0, 3)).toEqual(
      Array(3).fill({ route: 'platform', because: 'none_could_take', relays: [refused] }),
    );
    expect(reasons[3]).toEqual({
      route: 'platform',
      because: 'none_could_take',
      relays: [{ relay: r.id, name, code: 'suspended', until: tokyoMidnightAfterNoon(t.clock.now()) }],
    });
    const firstAttempts = (
      await t.call(
        'GET',
        `/api/v1/messages/${(await t.call('GET', '/api/v1/messages?recipient=down0@example.net')).body.items[0].messageId}`,
      )
    ).body.deliveries[0].attempts;
    expect(
      firstAttempts.map((a: { action: string; routeName: string }) => `${a.action}@${a.routeName}`),
    ).toEqual(['fallback@down relay', 'sent@platform']);
    expect(deliveriesIn(platform)).toEqual(expect.arrayContaining(ids));
    // The test clock stands at noon in Tokyo: suspended until the next midnight there.
    expect((await t.call('GET', `/api/v1/relays/${r.id}`)).body).toMatchObject({
      status: 'suspended',
      suspendedUntil: tokyoMidnightAfterNoon(t.clock.now()),
    });
    const lastAttempts = (await t.call('GET', `/api/v1/messages?recipient=down3@example.net`)).body.items[0];
    expect(lastAttempts.route).toBe('platform');
    const notifications = (await t.call('GET', '/api/v1/notifications')).body.items;
    expect(notifications.filter((n: { kind: string }) => n.kind === 'relay.suspended')).toHaveLength(1);
    expect(notifications[0].data).toMatchObject({
      relayId: r.id,
      suspendedUntil: tokyoMidnightAfterNoon(t.clock.now()),
    });
    const adminMail = await until(
      async () =>
        platform.received.messages
          .map(String)
          .find((m) => m.includes('suspended') && m.includes('admin@example.test')),
      10_000,
      'the admin notice',
    );
    expect(adminMail).toContain('down relay');
    await t.call('DELETE', `/api/v1/relays/${r.id}`);
  });

  it('signs platform delivery with the domain key so DMARC can pass', async () => {
    const msg = await send({ to: ['direct@example.net'] });
    const detail = await settled(t, msg.id);
    expect(detail.deliveries[0].route).toBe('platform');
    expect(detail.deliveries[0].routeReasons).toEqual({ route: 'platform', because: 'no_relay', relays: [] });
    const raw = messageFor(platform, detail.deliveries[0].id)!;
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    expect(platform.received.mailFrom.at(-1)).toMatch(/^bounces\+/);
  });

  it('keeps the archive of what was sent, downloadable as .eml', async () => {
    const msg = await send({ to: ['archive@example.net'] });
    const detail = await settled(t, msg.id);
    expect(detail.deliveries[0].archived).toBe(true);
    const res = await fetch(`${t.url}/api/v1/messages/${msg.id}/raw`, {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(res.headers.get('content-type')).toBe('message/rfc822');
    expect(res.headers.get('content-disposition')).toContain('.eml');
    const raw = Buffer.from(await res.arrayBuffer());
    expect(raw.equals(messageFor(platform, detail.deliveries[0].id)!)).toBe(true);
  });
});
