/**
 * Issue 21, part 4: retry schedules per email type in the org's settings, one `delivery.delayed`
 * at a delivery's first deferral, expiry at the type's maximum age (mass: 24 h) ending `failed`
 * with a reason, and a claim that keeps retries of a failing destination from starving fresh mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/queue/claim.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';

const HOUR = 3_600_000;

describe.each(dialects)('retry schedules on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;

  beforeAll(async () => {
    platform = await startSmtpServer({
      mode: 'plain',
      extra: {
        onRcptTo(address, _s, cb) {
          if (address.address.endsWith('@full.example'))
            return cb(Object.assign(new Error('4.2.2 Mailbox temporarily full'), { responseCode: 452 }));
          cb();
        },
      },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t?.close();
    await platform?.close();
  });

  const deliveryRow = (messageId: string) =>
    t.app.ctx.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();

  const eventsOf = async (deliveryId: string) =>
    (await t.app.ctx.store.db.selectFrom('events').select(['type', 'data']).orderBy('id').execute())
      .map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }))
      .filter((e) => e.data.deliveryId === deliveryId);

  it('the settings carry a schedule per type: workflow and individual 72 h, mass 24 h', async () => {
    const s = (await t.call('GET', '/api/v1/settings')).body;
    expect(s.retrySchedules).toEqual({
      workflow: { delaysMinutes: [1, 5, 15, 60, 240], maxAgeHours: 72 },
      individual: { delaysMinutes: [1, 5, 15, 60, 240], maxAgeHours: 72 },
      mass: { delaysMinutes: [1, 5, 15, 60, 240], maxAgeHours: 24 },
    });
    const bad = await t.call('PATCH', '/api/v1/settings', {
      retrySchedules: { ...s.retrySchedules, mass: { delaysMinutes: [], maxAgeHours: 0 } },
    });
    expect(bad.status).toBe(400);
    const changed = await t.call('PATCH', '/api/v1/settings', {
      retrySchedules: { ...s.retrySchedules, individual: { delaysMinutes: [2, 30], maxAgeHours: 6 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.retrySchedules.individual).toEqual({ delaysMinutes: [2, 30], maxAgeHours: 6 });
    await t.call('PATCH', '/api/v1/settings', { retrySchedules: s.retrySchedules });
  });

  it('a mass delivery expires at 24 h, failed with a reason, after exactly one delivery.delayed', async () => {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'a@sakura.com',
      subject: 'Campaign',
      text: 'Hello',
      recipients: [{ address: 'later@full.example' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const messageId = res.body.id as string;
    let d = await until(async () => {
      const row = await deliveryRow(messageId);
      return row.status === 'deferred' ? row : undefined;
    });
    const created = d.created_at;
    expect(d.next_attempt_at - t.clock.now()).toBe(60_000);
    let rounds = 0;
    while (d.status === 'deferred') {
      rounds += 1;
      expect(rounds).toBeLessThan(40);
      // Never retried past its maximum age: the last retry is moved to exactly 24 h.
      expect(d.next_attempt_at).toBeLessThanOrEqual(created + 24 * HOUR);
      t.clock.ms = d.next_attempt_at;
      const attempts = d.attempts;
      t.app.worker!.wake();
      d = await until(async () => {
        const row = await deliveryRow(messageId);
        return row.attempts > attempts && row.status !== 'sending' ? row : undefined;
      });
    }
    expect(d.status).toBe('failed');
    expect(t.clock.now()).toBe(created + 24 * HOUR);
    expect(d.last_status).toBe('4.2.2');
    expect(d.last_reply).toMatch(/^expired: still failing after 24 h, the maximum age for mass mail/);
    expect(d.last_reply).toContain('Mailbox temporarily full');
    const events = await eventsOf(d.id);
    const delayed = events.filter((e) => e.type === 'delivery.delayed');
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.data).toMatchObject({ status: 'deferred', attempts: 1, type: 'mass' });
    expect(Date.parse(String(delayed[0]!.data.nextAttemptAt))).toBe(created + 60_000);
    expect(events.filter((e) => e.type === 'delivery.deferred').length).toBe(d.attempts - 1);
    expect(events.filter((e) => e.type === 'delivery.failed')).toHaveLength(1);
  });

  it('retries of a failing destination do not starve fresh mail to others', async () => {
    await stopWorker(t.app.worker!);
    const { db } = t.app.ctx.store;
    const send = async (to: string) =>
      (
        await t.call('POST', '/api/v1/messages', {
          type: 'workflow',
          from: 'a@sakura.com',
          to: [to],
          subject: 's',
          text: 't',
        })
      ).body.id as string;
    // A backlog of deferred deliveries to a dead destination, all due long before the fresh mail.
    const backlog: string[] = [];
    for (let i = 0; i < 12; i++) backlog.push(await send(`r${i}@dead.example`));
    await db
      .updateTable('deliveries')
      .set({ status: 'deferred', attempts: 3, next_attempt_at: t.clock.now() - HOUR })
      .where('message_id', 'in', backlog)
      .execute();
    t.clock.advance(1000);
    const fresh = [await send('one@ok.example'), await send('two@ok.example')];
    const now = t.clock.now();
    const first = await claimDue(t.app.ctx.store, { owner: 'test', limit: 4, now, leaseMs: 60_000 });
    expect(first).toHaveLength(4);
    // Fresh mail goes in the first batch, beside retries, though every retry was due earlier.
    expect(first.filter((d) => d.recipient_domain === 'ok.example')).toHaveLength(2);
    expect(first.filter((d) => d.recipient_domain === 'dead.example')).toHaveLength(2);
    // Without fresh mail waiting, retries fill the whole batch.
    const second = await claimDue(t.app.ctx.store, { owner: 'test', limit: 4, now, leaseMs: 60_000 });
    expect(second.map((d) => d.recipient_domain)).toEqual(Array(4).fill('dead.example'));
    expect(fresh).toHaveLength(2);
  });
});
