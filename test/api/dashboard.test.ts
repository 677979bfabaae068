/**
 * The dashboard (issue 20) from real mail on loopback servers, on each database: a relay that fails
 * until the breaker suspends it, a relay that reaches its cap, platform delivery for the rest and for
 * a domain without relays, and a recipient the platform refuses (a bounce). The org's time zone is
 * Asia/Kolkata (UTC+5:30), not the default, so "today" is shown to be the org's day; and the
 * suspension email gives its end as that zone's wall-clock time, with the zone named.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { createApiKey } from '../../src/services/api-keys.js';
import { createOrg } from '../../src/services/orgs.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Asia/Kolkata is UTC+5:30 all year (no daylight saving time). */
const KOLKATA = 5.5 * HOUR;
const ZONE = 'Asia/Kolkata';
/** The Kolkata date of `ms`, by plain arithmetic (not mailroute's time-zone code). */
const kolkataDay = (ms: number) => new Date(ms + KOLKATA).toISOString().slice(0, 10);

describe.each(dialects)('the dashboard, on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let good: TestSmtpServer;
  let failing: TestSmtpServer;
  const ids: Record<string, string> = {};
  let start: number;

  async function send(from: string, to: string) {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'workflow',
      from,
      to: [to],
      subject: 'Hello',
      text: 'Hi',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const detail = await settled(t, res.body.id);
    t.clock.advance(MINUTE);
    return detail.deliveries[0] as { status: string; route: string };
  }

  beforeAll(async () => {
    platform = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^nobody/, code: 550, message: '5.1.1 No such user' },
    });
    good = await startSmtpServer({ mode: 'plain' });
    failing = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /./, code: 451, message: '4.3.0 Temporary failure, try later' },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_PLANS: plansFile({ name: 'small', dailyLimit: 50, maxDomains: 2, maxRelaysPerDomain: 2 }),
      MAILROUTE_DEFAULT_PLAN: 'small',
    });
    start = t.clock.now();
    expect((await t.call('PATCH', '/api/v1/settings', { timeZone: ZONE })).status).toBe(200);
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    expect((await t.call('POST', '/api/v1/domains', { name: 'tsubaki.com' })).status).toBe(201);
    for (const [name, server, priority, dailyLimit] of [
      ['failing', failing, 1, 40],
      ['capped', good, 2, 2],
    ] as const) {
      const res = await t.call('POST', '/api/v1/relays', {
        name,
        host: '127.0.0.1',
        port: server.port,
        security: 'none',
        dailyLimit,
        priority,
        domainId,
        emailTypes: ['workflow'],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[name] = res.body.id;
    }
    // 1, 2: the failing relay fails, the capped one sends (and is then at its cap, 2/2).
    // 3: the third failure suspends the failing relay; the capped one is full: platform.
    // 4, 5: the capped relay is full (and the failing one suspended): platform.
    for (let i = 1; i <= 5; i++) {
      const d = await send('amelia@sakura.com', `r${i}@example.net`);
      expect(d.status).toBe('sent');
      expect(d.route).toBe(i <= 2 ? ids.capped : 'platform');
    }
    // A domain without relays: platform; and a recipient the platform refuses for good.
    expect(await send('info@tsubaki.com', 'direct@example.net')).toMatchObject({ route: 'platform' });
    expect((await send('info@tsubaki.com', 'nobody@example.net')).status).toBe('bounced');
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    await platform?.close();
    await good?.close();
    await failing?.close();
  });

  it("counts the org's day: plan, relays at cap and suspended, fallbacks by reason, bounces", async () => {
    // A worker holds up to 16 of a relay's cap in reserve while busy (`queue/relay-slots.ts`) and
    // returns what it did not use when it falls idle: then the counts are what was sent.
    const d = await until(
      async () => {
        const res = await t.call('GET', '/api/v1/dashboard');
        expect(res.status).toBe(200);
        return res.body.relays.every((r: { usageToday: number }) => r.usageToday <= 2) && res.body;
      },
      10_000,
      'the reserves returned',
    );
    expect(d.timeZone).toBe(ZONE);
    expect(d.day).toBe(kolkataDay(t.clock.now()));
    expect(d.plan).toEqual({ name: 'small', used: 7, limit: 50 });

    const relay = (name: string) => d.relays.find((r: { name: string }) => r.name === name);
    expect(relay('capped')).toMatchObject({ status: 'active', usageToday: 2, dailyLimit: 2 });
    expect(relay('failing')).toMatchObject({ status: 'suspended', usageToday: 0 });
    expect(relay('failing').suspendedReason).toContain('Temporary failure');
    // Suspended until the next midnight in Kolkata.
    const midnight = `${kolkataDay(start + 24 * HOUR)}T00:00:00.000+05:30`;
    expect(relay('failing').suspendedUntil).toBe(new Date(midnight).toISOString());

    expect(d.fallbacks).toEqual({
      total: 4,
      byReason: [
        // Routing names the candidate that could not take it (the capped relay) before the suspended one.
        { reason: 'cap', count: 2 },
        { reason: 'failed', count: 1 },
        { reason: 'no_relay', count: 1 },
      ],
    });
    // Six handed over (two through the capped relay, four through the platform); one refused.
    expect(d.bounces).toEqual({ sent: 6, bounced: 1, hard: 1, soft: 0, rate: 1 / 7 });
    expect(d.complaints).toMatchObject({ complaints: 0, delivered: 0, rate: null, paused: null });
    expect(d.notifications[0]).toMatchObject({ kind: 'relay.suspended', data: { relayId: ids.failing } });
  });

  it("shows another org nothing of this org's day", async () => {
    const orgB = await createOrg(t.app.ctx, { name: 'org-b' });
    const actor: Principal = { kind: 'api_key', id: 'test', orgId: orgB.id, role: 'admin', label: 'test' };
    const key = (await createApiKey(t.app.ctx, actor, { name: 'org B admin', role: 'admin' })).key;
    const other = await t.call('GET', '/api/v1/dashboard', undefined, key);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({
      plan: { used: 0 },
      relays: [],
      fallbacks: { total: 0, byReason: [] },
      bounces: { sent: 0, bounced: 0 },
      notifications: [],
    });
  });

  it('gives the suspension end in the org’s time zone, named, in the email to the admins', async () => {
    const raw = await until(
      async () => platform.received.messages.find((m) => m.toString().includes('admin@example.test')),
      10_000,
      'the suspension email',
    );
    const mail = await simpleParser(raw);
    const end = `${kolkataDay(start + 24 * HOUR)} 00:00 (Asia/Kolkata)`;
    expect(mail.text).toContain(`${end} まで停止しました`);
    expect(mail.text).toContain(`suspended until ${end}.`);
    expect(mail.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('starts a new day at midnight in the org’s zone, not in Tokyo', async () => {
    // 12 hours on it is past midnight in Tokyo but still the same day in Kolkata.
    t.clock.ms = start + 13 * HOUR;
    const same = (await t.call('GET', '/api/v1/dashboard')).body;
    expect(same.day).toBe(kolkataDay(start));
    expect([same.plan.used, same.fallbacks.total]).toEqual([7, 4]);
    // Past midnight in Kolkata: a new day, the failing relay's suspension over.
    t.clock.ms = start + 16 * HOUR;
    const next = (await t.call('GET', '/api/v1/dashboard')).body;
    expect(next.day).toBe(kolkataDay(start + 24 * HOUR));
    expect(next.plan.used).toBe(0);
    expect(next.fallbacks).toEqual({ total: 0, byReason: [] });
    expect(next.bounces).toEqual({ sent: 0, bounced: 0, hard: 0, soft: 0, rate: null });
    expect(next.relays.map((r: { status: string; usageToday: number }) => [r.status, r.usageToday])).toEqual([
      ['active', 0],
      ['active', 0],
    ]);
  });
});
