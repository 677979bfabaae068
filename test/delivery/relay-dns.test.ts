import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

/**
 * A relay whose host name does not resolve is a DNS failure (`dns.failed`, 4.4.3), classified by
 * the one classifier, never an authentication failure; the mail falls back to the platform and the
 * failure counts toward the breaker. Routing does not depend on the database here: SQLite only.
 */
describe('a relay host that does not resolve', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let platform: TestSmtpServer;
  let relayServer: TestSmtpServer;
  let domainId: string;
  const HOST = 'smtp.relay.sakura.test';

  beforeAll(async () => {
    dns = await startDnsServer();
    platform = await startSmtpServer({ mode: 'plain' });
    relayServer = await startSmtpServer({ mode: 'plain', auth: { username: 'crm', password: 'right' } });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await relayServer.close();
    await dns.close();
  });

  /** Sends one workflow email through a fresh relay at HOST; returns the settled delivery and relay row. */
  const sendThroughRelay = async (to: string) => {
    const relay = (
      await t.call('POST', '/api/v1/relays', {
        name: 'named relay',
        host: HOST,
        port: relayServer.port,
        security: 'none',
        dailyLimit: 10,
        domainId,
        emailTypes: ['workflow'],
        authentication: { type: 'password', username: 'crm', password: 'right' },
      })
    ).body;
    expect(relay.id).toBeTruthy();
    const msg = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from: 'a@sakura.com',
      to: [to],
      subject: 'dns',
      text: 'x',
    });
    expect(msg.status).toBe(202);
    const delivery = (await settled(t, msg.body.id)).deliveries[0];
    const row = await t.app.ctx.store.db
      .selectFrom('relays')
      .select('failure_count')
      .where('id', '=', relay.id)
      .executeTakeFirstOrThrow();
    await t.call('DELETE', `/api/v1/relays/${relay.id}`);
    return { delivery, failures: row.failure_count };
  };

  it('sends through the relay while its name resolves (the setup is sound)', async () => {
    dns.set(HOST, { A: ['127.0.0.1'] });
    const { delivery } = await sendThroughRelay('resolves@example.net');
    expect(delivery.status).toBe('sent');
    expect(delivery.route).not.toBe('platform');
    expect(relayServer.received.auth.at(-1)).toMatchObject({ username: 'crm', ok: true });
    dns.remove(HOST);
  });

  it.each([
    ['answers NXDOMAIN', false],
    ['answers SERVFAIL', true],
  ] as const)(
    'when DNS %s: a dns.failed fallback to the platform, no connection, no AUTH',
    async (_name, servfail) => {
      const connectionsBefore = relayServer.connections();
      const authBefore = relayServer.received.auth.length;
      dns.failing(servfail);
      try {
        const { delivery, failures } = await sendThroughRelay(
          `dns-${servfail ? 'servfail' : 'nx'}@example.net`,
        );
        expect(delivery).toMatchObject({ status: 'sent', route: 'platform' });
        const [relayAttempt, platformAttempt] = delivery.attempts;
        expect(relayAttempt).toMatchObject({ action: 'fallback', ruleId: 'dns.failed', status: '4.4.3' });
        expect(relayAttempt.reply).toContain(HOST);
        expect(platformAttempt).toMatchObject({ action: 'sent' });
        expect(failures).toBe(1);
      } finally {
        dns.failing(false);
      }
      expect(relayServer.connections()).toBe(connectionsBefore);
      expect(relayServer.received.auth.length).toBe(authBefore);
    },
  );
});
