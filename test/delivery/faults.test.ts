import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { claimDue } from '../../src/queue/claim.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { settled, until } from '../helpers/delivery.js';
import {
  closedPort,
  startSilentServer,
  startSmtpServer,
  type TestSmtpServer,
  testCertificates,
} from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';

type Fault = {
  name: string;
  start: () => Promise<{ port: number; close: () => Promise<void> }>;
  security?: 'tls' | 'none';
  auth?: { type: 'password'; username: string; password: string };
  caCertificate?: boolean;
  expect: {
    status: string;
    route: 'relay' | 'platform';
    relayFailure: boolean;
    lastStatus?: RegExp;
    /** The bounce a refusal at SMTP time records (source `smtp`); none when absent. */
    bounce?: { class: 'hard' | 'soft'; suppressed: boolean };
  };
};

/** Relays that misbehave in every way SPEC R12, R13 and R16 name, and what must become of the mail. */
const faults: Fault[] = [
  {
    name: 'refuses connections',
    start: async () => ({ port: await closedPort(), close: async () => {} }),
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'accepts and never greets',
    start: startSilentServer,
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'greets with 421',
    start: () =>
      startSmtpServer({ mode: 'plain', refuseConnection: { code: 421, message: 'Service not available' } }),
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'times out in the middle of DATA',
    start: () =>
      startSmtpServer({
        mode: 'plain',
        extra: {
          onData(stream) {
            stream.resume();
          },
        },
      }),
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'presents an expired certificate',
    start: () => startSmtpServer({ mode: 'starttls', certificate: 'expired' }),
    security: 'tls',
    caCertificate: true,
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'presents a certificate for another name',
    start: () => startSmtpServer({ mode: 'starttls', certificate: 'wrongName' }),
    security: 'tls',
    caCertificate: true,
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'rejects AUTH',
    start: () => startSmtpServer({ mode: 'plain', auth: { username: 'crm', password: 'right' } }),
    auth: { type: 'password', username: 'crm', password: 'wrong' },
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'answers 451 to every RCPT',
    start: () =>
      startSmtpServer({
        mode: 'plain',
        refuseRecipient: { pattern: /./, code: 451, message: '4.3.0 Temporary lookup failure' },
      }),
    expect: { status: 'sent', route: 'platform', relayFailure: true },
  },
  {
    name: 'answers 550 5.1.1',
    start: () =>
      startSmtpServer({
        mode: 'plain',
        refuseRecipient: { pattern: /./, code: 550, message: '5.1.1 User unknown' },
      }),
    expect: {
      status: 'bounced',
      route: 'relay',
      relayFailure: false,
      lastStatus: /^5\.1\.1$/,
      bounce: { class: 'hard', suppressed: true },
    },
  },
  {
    name: 'answers 554 5.7.1 after DATA',
    start: () =>
      startSmtpServer({
        mode: 'plain',
        refuseMessage: { code: 554, message: '5.7.1 Message rejected as spam' },
      }),
    expect: {
      status: 'bounced',
      route: 'relay',
      relayFailure: false,
      lastStatus: /^5\.7\.1$/,
      bounce: { class: 'soft', suppressed: false },
    },
  },
  {
    name: 'drops the connection right after its 250 to DATA',
    start: async () => {
      const s: TestSmtpServer = await startSmtpServer({
        mode: 'plain',
        extra: {
          onData(stream, session, cb) {
            stream.resume();
            stream.on('end', () => {
              cb(null, 'Queued');
              setTimeout(
                () => (session as unknown as { socket?: { destroy(): void } }).socket?.destroy?.(),
                5,
              );
            });
          },
        },
      });
      return s;
    },
    expect: { status: 'sent', route: 'relay', relayFailure: false },
  },
];

describe('relays that fail in every way', () => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let domainId: string;
  let ca: string;
  beforeAll(async () => {
    ca = (await testCertificates()).ca.cert;
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_SMTP_TIMEOUT_SECONDS: '0.5',
      MAILROUTE_DEFAULT_PLAN: 'top',
    });
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
  });

  it.each(faults.map((f) => [f.name, f] as const))('a relay that %s', async (_name, f) => {
    // One recipient per fault: a refusal that bounces suppresses its address.
    const to = `${f.name.replace(/[^a-z0-9]+/gi, '-')}@example.net`.toLowerCase();
    const server = await f.start();
    try {
      const relay = (
        await t.call('POST', '/api/v1/relays', {
          name: f.name,
          host: '127.0.0.1',
          port: server.port,
          security: f.security ?? 'none',
          caCertificate: f.caCertificate ? ca : null,
          dailyLimit: 10,
          domainId,
          emailTypes: ['workflow'],
          authentication: f.auth ?? { type: 'none' },
        })
      ).body;
      const msg = (
        await t.call('POST', '/api/v1/messages', {
          type: 'workflow',
          from: 'a@sakura.com',
          to: [to],
          subject: f.name,
          text: 'x',
        })
      ).body;
      const d = (await settled(t, msg.id, 20_000)).deliveries[0];
      expect(d.status).toBe(f.expect.status);
      expect(d.route === 'platform' ? 'platform' : 'relay').toBe(f.expect.route);
      if (f.expect.lastStatus) expect(d.lastStatus).toMatch(f.expect.lastStatus);
      expect(d.bounces).toEqual(
        f.expect.bounce ? [expect.objectContaining({ class: f.expect.bounce.class, source: 'smtp' })] : [],
      );
      const suppressed = (await t.call('GET', `/api/v1/suppressions?address=${encodeURIComponent(to)}`)).body
        .items;
      expect(suppressed).toHaveLength(f.expect.bounce?.suppressed ? 1 : 0);
      const row = await t.app.ctx.store.db
        .selectFrom('relays')
        .select('failure_count')
        .where('id', '=', relay.id)
        .executeTakeFirstOrThrow();
      expect(row.failure_count > 0).toBe(f.expect.relayFailure);
      if (f.expect.route === 'platform')
        expect(d.attempts.map((a: { action: string }) => a.action)).toEqual(['fallback', 'sent']);
      await t.call('DELETE', `/api/v1/relays/${relay.id}`);
    } finally {
      await server.close();
    }
  });

  it('never sends unauthenticated through a relay with a password whose server offers no AUTH', async () => {
    // No AUTH offered, as if the line were stripped on the way.
    const server = await startSmtpServer({ mode: 'plain', extra: { disableReverseLookup: true } });
    try {
      const relay = (
        await t.call('POST', '/api/v1/relays', {
          name: 'offers no AUTH',
          host: '127.0.0.1',
          port: server.port,
          security: 'none',
          dailyLimit: 10,
          domainId,
          emailTypes: ['workflow'],
          authentication: { type: 'password', username: 'crm', password: 'relay password 1' },
        })
      ).body;
      const msg = (
        await t.call('POST', '/api/v1/messages', {
          type: 'workflow',
          from: 'a@sakura.com',
          to: ['noauth@example.net'],
          subject: 'no AUTH offered',
          text: 'x',
        })
      ).body;
      const d = (await settled(t, msg.id, 20_000)).deliveries[0];
      expect(d).toMatchObject({ status: 'sent', route: 'platform' });
      expect(d.attempts).toEqual([
        expect.objectContaining({
          route: relay.id,
          action: 'fallback',
          status: '5.7.8',
          ruleId: 'auth.failed',
        }),
        expect.objectContaining({ route: 'platform', action: 'sent' }),
      ]);
      expect(JSON.stringify(d)).not.toContain('relay password 1');
      expect(server.received.mailFrom).toEqual([]);
      expect(server.received.messages).toEqual([]);
      expect(platform.received.rcptTo).toContain('noauth@example.net');
      const row = await t.app.ctx.store.db
        .selectFrom('relays')
        .select('failure_count')
        .where('id', '=', relay.id)
        .executeTakeFirstOrThrow();
      expect(row.failure_count).toBe(1);
      await t.call('DELETE', `/api/v1/relays/${relay.id}`);
    } finally {
      await server.close();
    }
  });

  it('leaves nothing in sending: a delivery whose worker died is taken over once its lease runs out', async () => {
    await stopWorker(t.app.worker!);
    const msg = (
      await t.call('POST', '/api/v1/messages', {
        type: 'individual',
        from: 'a@sakura.com',
        to: ['orphan@example.net'],
        subject: 'orphan',
        text: 'x',
      })
    ).body;
    const [claimed] = await claimDue(t.app.ctx.store, {
      owner: 'a-worker-that-dies',
      limit: 10,
      now: t.clock.now(),
      leaseMs: 60_000,
    });
    expect(claimed?.status).toBe('sending');
    const { Worker } = await import('../../src/delivery/worker.js');
    const worker = new Worker(t.app.ctx, { concurrency: 4, pollMs: 50, classifyBounce: classify });
    t.clock.advance(61_000);
    await worker.start();
    try {
      await until(
        async () => (await t.call('GET', `/api/v1/messages/${msg.id}`)).body.deliveries[0].status === 'sent',
        10_000,
        'the orphan to be sent',
      );
    } finally {
      await stopWorker(worker);
    }
  });
});
