import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type CountingReceiver, startCountingReceiver } from '../helpers/counting-receiver.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

/**
 * Destination shaping on direct delivery (issue 21), against loopback receivers found through a
 * loopback DNS server: a destination matched by its MX host suffix and ruled to 2 connections gets
 * no third one, counted at the receiver, which answers 421 beyond 2; a receiver that answers
 * `421 4.7.28` after 50 messages pauses its destination, which resumes after the pause, with
 * nothing lost.
 */
describe.each(dialects)('destination shaping on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let rx: CountingReceiver;

  beforeAll(async () => {
    rx = await startCountingReceiver(2);
    dns = await startDnsServer({
      'ruled.example': { MX: [{ exchange: 'mx1.lab.example', priority: 10 }] },
      'mx1.lab.example': { A: ['127.0.0.1'] },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'mailroute-shaping-')), 'shaping.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'lab',
          mxSuffixes: ['*.lab.example'],
          maxConnections: 2,
          messagesPerConnection: 7,
          pushback: [{ reply: '4\\.7\\.28', action: { kind: 'pause', minutes: 10 } }],
        },
      ]),
    );
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(rx.port),
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_SHAPING: file,
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    expect((await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await dns.close();
    await rx.close();
  });

  const send = async (from: number, n: number) => {
    const recipients = Array.from({ length: n }, (_, i) => ({ address: `u${from + i}@ruled.example` }));
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'shaped',
      text: 'x',
      recipients,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  };

  it('never holds more than 2 connections to a destination ruled to 2 (counted at the receiver), and all mail arrives', async () => {
    await send(0, 40);
    await until(async () => rx.received.length >= 40, 60_000);
    expect(rx.maxOpen()).toBeLessThanOrEqual(2);
    expect(new Set(rx.received).size).toBe(40);
    const refused = await t.app.ctx.store.db
      .selectFrom('attempts')
      .select('reply')
      .where('action', '!=', 'sent')
      .execute();
    expect(refused).toEqual([]);
  });

  it('pauses the destination on 421 4.7.28 after 50 messages, resumes after the pause, and loses nothing', async () => {
    rx.received.length = 0;
    rx.pushback.after = 50;
    rx.pushback.accepted = 0;
    rx.pushback.on = true;
    await send(100, 80);
    const db = t.app.ctx.store.db;
    await until(async () => {
      const s = await db.selectFrom('destination_states').selectAll().executeTakeFirst();
      return s?.paused_until ? s : undefined;
    }, 60_000);
    // Nothing more goes out while the destination is paused.
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.received.length).toBe(50);
    const state = await db.selectFrom('destination_states').selectAll().executeTakeFirstOrThrow();
    expect(state.destination).toBe('lab');
    expect(state.paused_reply).toContain('4.7.28');
    expect(Number(state.paused_until)).toBeGreaterThan(t.clock.now() + 9 * 60_000);
    const waiting = await db
      .selectFrom('deliveries')
      .select(['status', 'next_attempt_at'])
      .where('status', '!=', 'sent')
      .execute();
    expect(waiting.length).toBe(30);
    for (const w of waiting) expect(w.status).toBe('queued');
    // The receiver calms down; ten minutes later the destination resumes.
    rx.pushback.on = false;
    t.clock.advance(10 * 60_000 + 1_000);
    t.app.ctx.events.queued();
    await until(async () => rx.received.length >= 80, 60_000);
    expect(new Set(rx.received).size).toBe(80);
    expect(rx.maxOpen()).toBeLessThanOrEqual(2);
    // Every delivery ends sent (its transition commits just after the receiver has the message).
    await until(async () => {
      const left = await db.selectFrom('deliveries').select('id').where('status', '!=', 'sent').execute();
      return left.length === 0;
    }, 15_000);
  });
});
