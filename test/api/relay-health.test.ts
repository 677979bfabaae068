/**
 * A relay's health (issue 19): attempts, acceptance, latency, failures today, the last error and
 * the time suspended, over 24 hours and 7 days, from what really happened on loopback relays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const MINUTE = 60_000;

describe.each(dialects)('relay health, on %s', (dialect) => {
  let t: TestApp;
  let good: TestSmtpServer;
  let failing: TestSmtpServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    good = await startSmtpServer({ mode: 'plain' });
    failing = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /./, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'two', dailyLimit: 1000, maxDomains: 1, maxRelaysPerDomain: 2 }),
      MAILROUTE_DEFAULT_PLAN: 'two',
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    for (const [name, server, priority] of [
      ['failing', failing, 1],
      ['good', good, 2],
    ] as const) {
      const res = await t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        dailyLimit: 100,
        priority,
        domainId,
        emailTypes: ['workflow'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    }
  });
  afterAll(async () => {
    await t.close();
    await good.close();
    await failing.close();
  });

  it('counts what each relay did, names the last error, and measures the suspension until resumed', async () => {
    // Three failures in a row suspend the failing relay; each mail then goes to the good one.
    for (let i = 0; i < 5; i++) {
      expect((await sendOneSettled(t, `h${i}@example.net`, 'workflow')).status).toBe('sent');
      t.clock.advance(MINUTE);
    }
    const bad = (await t.call('GET', `/api/v1/relays/${ids.failing}/health`)).body;
    expect(bad).toMatchObject({ status: 'suspended', failuresToday: 3 });
    expect(bad.windows['24h']).toMatchObject({ attempts: 3, sent: 0, failed: 3, acceptanceRate: 0 });
    expect(bad.windows['7d']).toMatchObject({ attempts: 3, failed: 3 });
    expect(bad.lastError).toMatchObject({ action: 'fallback', status: '4.3.0' });
    expect(bad.lastError.reply).toContain('Temporary failure');
    // Suspended at the third failure; then the clock moves 3 minutes, and 10 more here.
    t.clock.advance(10 * MINUTE);
    const suspendedFor = (await t.call('GET', `/api/v1/relays/${ids.failing}/health`)).body.windows['24h']
      .suspendedMs;
    expect(suspendedFor).toBe(13 * MINUTE);

    const ok = (await t.call('GET', `/api/v1/relays/${ids.good}/health`)).body;
    expect(ok).toMatchObject({ status: 'active', failuresToday: 0, lastError: null });
    expect(ok.windows['24h']).toMatchObject({ attempts: 5, sent: 5, failed: 0, acceptanceRate: 1 });
    expect(ok.windows['24h'].p50Ms).toBeGreaterThanOrEqual(0);
    expect(ok.windows['24h'].p99Ms).toBeGreaterThanOrEqual(ok.windows['24h'].p50Ms);
    expect(ok.hourly).toHaveLength(24);
    expect(ok.daily).toHaveLength(7);
    const sum = (b: { sent: number }[]) => b.reduce((n, x) => n + x.sent, 0);
    expect(sum(ok.hourly)).toBe(5);
    expect(sum(ok.daily)).toBe(5);
    expect(ok.hourly.at(-1).sent).toBe(5);

    // A resume ends the suspension: time passing afterwards does not count.
    expect((await t.call('POST', `/api/v1/relays/${ids.failing}/resume`)).status).toBe(200);
    t.clock.advance(30 * MINUTE);
    const resumed = (await t.call('GET', `/api/v1/relays/${ids.failing}/health`)).body;
    expect(resumed.status).toBe('active');
    expect(resumed.windows['24h'].suspendedMs).toBe(13 * MINUTE);
    expect(resumed.windows['7d'].suspendedMs).toBe(13 * MINUTE);
  });

  it('answers 404 for a relay that does not exist', async () => {
    const res = await t.call('GET', '/api/v1/relays/rly_nope/health');
    expect(res.status).toBe(404);
  });
});
