import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe.each(dialects)('merge fields on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
  });

  const mass = (over: Record<string, unknown>) =>
    t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'News',
      html: '<p>Hello</p>',
      recipients: [{ address: 'ann@example.net', fields: { name: 'Ann' } }],
      ...over,
    });

  it.each([
    ['{{constructor}} in the subject', { subject: 'Hi {{constructor}}' }, 'subject', 'reserved name'],
    ['{{toString}} in the HTML', { html: '<p>{{toString}}</p>' }, 'html', 'reserved name'],
    ['a malformed tag in the text', { text: 'Dear {{first name}}' }, 'text', 'is not a merge tag'],
    [
      'a field value that is neither text nor a number',
      { recipients: [{ address: 'ann@example.net', fields: { name: { a: 1 } } }] },
      'recipients.0.fields.name',
      'must be text or a number',
    ],
  ])('refuses a mass email with %s, naming the field', async (_name, over, field, message) => {
    const res = await mass(over);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields[field]).toContain(message);
  });

  it('refuses the same in individual email and in content rules', async () => {
    const message = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['x@example.net'],
      subject: 'Hi',
      html: '<p>{{valueOf}}</p>',
    });
    expect(message.status).toBe(400);
    expect(Object.keys(message.body.error.fields)).toEqual(['html']);
    const rule = await t.call('POST', '/api/v1/content-rules', {
      name: 'r',
      position: 'footer',
      text: 'by {{constructor}}',
      emailTypes: ['mass'],
    });
    expect(rule.status).toBe(400);
    expect(Object.keys(rule.body.error.fields)).toEqual(['text']);
  });

  it('accepts numbers as values', async () => {
    const res = await mass({
      subject: 'You have {{points}} points',
      recipients: [{ address: 'ann@example.net', fields: { points: 1500 } }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  });

  it('fails a delivery that cannot be composed at once, with an attempt and delivery.failed', async () => {
    const res = await mass({ html: '<p>Hello {{name}}</p>' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const db = t.app.ctx.store.db;
    const row = () =>
      db.selectFrom('deliveries').selectAll().where('message_id', '=', res.body.id).executeTakeFirstOrThrow();
    // The platform refuses connections: the first try defers it.
    const deferred = await until(async () => {
      const d = await row();
      return d.status === 'deferred' && d;
    });
    // Stored data the API would no longer accept (a value that is an object), made due now.
    await db
      .updateTable('deliveries')
      .set({
        personalization: JSON.stringify({ to: 'ann@example.net', fields: { name: { a: 1 } } }),
        next_attempt_at: t.clock.now(),
      })
      .where('id', '=', deferred.id)
      .execute();
    const failed = await until(async () => {
      const d = await row();
      return d.status !== 'deferred' && d.attempts > deferred.attempts && d;
    });
    expect(failed).toMatchObject({ status: 'failed', last_status: '5.6.0', attempts: deferred.attempts + 1 });
    expect(failed.last_reply).toContain('merge field "name"');
    const attempts = await db
      .selectFrom('attempts')
      .selectAll()
      .where('delivery_id', '=', deferred.id)
      .orderBy('at')
      .execute();
    expect(attempts.at(-1)).toMatchObject({ action: 'failed', status: '5.6.0' });
    const events = await db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('type', '=', 'delivery.failed')
      .execute();
    expect(events.map((e) => JSON.parse(e.data).deliveryId)).toContain(deferred.id);
    expect(t.logs.join('')).toContain('delivery.compose_failed');
  });
});

describe.each(dialects)('a delivery that cannot be composed, through a relay, on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  beforeAll(async () => {
    relay = await startSmtpServer({
      mode: 'plain',
      refuseRecipient: { pattern: /^ann@/, code: 451, message: '4.3.0 try later' },
    });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const created = await t.call('POST', '/api/v1/relays', {
      name: 'one a day',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 1,
      domainId,
      emailTypes: ['mass'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
  });

  const deliveryOf = (messageId: string) =>
    t.app.ctx.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
  const massTo = async (address: string) => {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'News',
      text: 'Hello {{name}}',
      recipients: [{ address, fields: { name: 'Ann' } }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };

  it('fails it and hands its relay slot back for the next delivery', async () => {
    const first = await massTo('ann@example.net');
    const deferred = await until(async () => {
      const d = await deliveryOf(first);
      return d.status === 'deferred' && d;
    });
    await t.app.ctx.store.db
      .updateTable('deliveries')
      .set({
        personalization: JSON.stringify({ to: 'ann@example.net', fields: { name: ['not', 'text'] } }),
        next_attempt_at: t.clock.now(),
      })
      .where('id', '=', deferred.id)
      .execute();
    const failed = await until(async () => {
      const d = await deliveryOf(first);
      return d.status === 'failed' && d;
    });
    expect(failed.last_status).toBe('5.6.0');
    // The relay's one slot of the day was not used up by the delivery that could not be composed.
    const second = await massTo('bob@example.net');
    const sent = await until(async () => {
      const d = await deliveryOf(second);
      return d.status !== 'queued' && d.status !== 'sending' && d;
    });
    expect(sent).toMatchObject({ status: 'sent', relay_id: expect.any(String) });
  });
});
