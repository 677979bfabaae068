/**
 * Bounce reasons over the API (issue 16): the import takes a reason (checked against the taxonomy,
 * 400 naming `reason`) or finds one; the bounce list filters by it; message detail, the suppression
 * list and the `delivery.bounced` webhook carry it.
 */

import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounces/build-dsn.js';
import { bounceReasons } from '../../src/domain/bounce-reasons.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled, until } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(dialects)('bounce reasons on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    receiver = await startWebhookReceiver();
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_WEBHOOK_POSTMARK_USER: 'postmark',
      MAILROUTE_WEBHOOK_POSTMARK_PASSWORD: 'postmark-password-123',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    const ep = await t.call('POST', '/api/v1/webhooks/endpoints', {
      url: receiver.url('/bounces'),
      events: ['delivery.bounced', 'delivery.complained'],
    });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await receiver.close();
  });

  const sendOne = async (to: string) => {
    const { messageId, deliveryId, status } = await sendOneSettled(t, to, 'individual');
    expect(status).toBe('sent');
    return { messageId, deliveryId };
  };
  const importBounce = (body: Record<string, unknown>) => t.call('POST', '/api/v1/bounces', body);
  const suppression = async (address: string) =>
    (await t.call('GET', `/api/v1/suppressions?address=${encodeURIComponent(address)}`)).body.items[0];
  const hooks = () =>
    receiver.received
      .filter((r) => r.path === '/bounces')
      .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });

  it('finds the reason when the import gives none, and the suppression keeps it', async () => {
    const s = await sendOne('gone@example.net');
    const res = await importBounce({
      deliveryId: s.deliveryId,
      recipient: 'gone@example.net',
      status: '5.1.1',
      diagnosticCode: '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ class: 'hard', reason: 'user-unknown', suppressed: 'hard-bounce' });
    const detail = await t.call('GET', `/api/v1/messages/${s.messageId}`);
    expect(detail.body.deliveries[0].bounces).toEqual([
      expect.objectContaining({ status: '5.1.1', class: 'hard', reason: 'user-unknown', source: 'api' }),
    ]);
    expect(await suppression('gone@example.net')).toMatchObject({
      reason: 'hard-bounce',
      bounceReason: 'user-unknown',
      source: 'api',
    });
    const [event] = await until(
      async () => {
        const got = hooks().filter((h) => h.data.deliveryId === s.deliveryId);
        return got.length > 0 && got;
      },
      10_000,
      'the bounce webhook',
    );
    expect(event).toMatchObject({
      type: 'delivery.bounced',
      data: {
        class: 'hard',
        reason: 'user-unknown',
        suppressed: 'hard-bounce',
        recipient: 'gone@example.net',
      },
    });
  });

  it('takes a given reason, and its class when no class is given', async () => {
    const s = await sendOne('full@example.net');
    const res = await importBounce({
      messageId: s.messageId,
      recipient: 'full@example.net',
      status: '5.0.0',
      diagnosticCode: '550 5.0.0 rejected',
      reason: 'mailbox-full',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ class: 'soft', reason: 'mailbox-full', suppressed: null });
    const detail = await t.call('GET', `/api/v1/messages/${s.messageId}`);
    expect(detail.body.deliveries[0].bounces[0]).toMatchObject({ class: 'soft', reason: 'mailbox-full' });
    const complaint = await sendOne('angry@example.net');
    const c = await importBounce({
      deliveryId: complaint.deliveryId,
      recipient: 'angry@example.net',
      status: '2.0.0',
      action: 'failed',
      reason: 'feedback',
    });
    expect(c.body).toMatchObject({ class: 'complaint', reason: 'feedback', suppressed: 'complaint' });
    expect(await suppression('angry@example.net')).toMatchObject({
      reason: 'complaint',
      bounceReason: 'feedback',
    });
    const [event] = await until(
      async () => {
        const got = hooks().filter((h) => h.data.deliveryId === complaint.deliveryId);
        return got.length > 0 && got;
      },
      10_000,
      'the complaint webhook',
    );
    expect(event).toMatchObject({
      type: 'delivery.complained',
      data: { class: 'complaint', reason: 'feedback', suppressed: 'complaint' },
    });
  });

  it('refuses a reason outside the taxonomy with 400 naming the field', async () => {
    const s = await sendOne('odd@example.net');
    const res = await importBounce({
      deliveryId: s.deliveryId,
      recipient: 'odd@example.net',
      status: '5.1.1',
      reason: 'mailbox-exploded',
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['reason']);
    expect(res.body.error.fields.reason).toContain('user-unknown');
    const detail = await t.call('GET', `/api/v1/messages/${s.messageId}`);
    expect(detail.body.deliveries[0].bounces).toEqual([]);
    const list = await t.call('GET', '/api/v1/bounces?reason=mailbox-exploded');
    expect(list.status).toBe(400);
    expect(Object.keys(list.body.error.fields)).toEqual(['reason']);
  });

  it('lists bounces newest first, by reason, class and recipient, a page at a time', async () => {
    const all = await t.call('GET', '/api/v1/bounces');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items.map((b: { recipient: string; reason: string }) => [b.recipient, b.reason])).toEqual(
      [
        ['angry@example.net', 'feedback'],
        ['full@example.net', 'mailbox-full'],
        ['gone@example.net', 'user-unknown'],
      ],
    );
    expect(all.body.items[2]).toMatchObject({
      class: 'hard',
      status: '5.1.1',
      source: 'api',
      deliveryId: expect.stringMatching(/^dlv_/),
      messageId: expect.stringMatching(/^msg_/),
    });
    const full = await t.call('GET', '/api/v1/bounces?reason=mailbox-full');
    expect(full.body.items.map((b: { recipient: string }) => b.recipient)).toEqual(['full@example.net']);
    const none = await t.call('GET', '/api/v1/bounces?reason=host-unknown');
    expect(none.body).toEqual({ items: [], nextCursor: null });
    const hard = await t.call('GET', '/api/v1/bounces?class=hard&recipient=GONE@example.net');
    expect(hard.body.items.map((b: { reason: string }) => b.reason)).toEqual(['user-unknown']);
    const first = await t.call('GET', '/api/v1/bounces?limit=2');
    expect(first.body.items).toHaveLength(2);
    const rest = await t.call('GET', `/api/v1/bounces?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((b: { recipient: string }) => b.recipient)).toEqual(['gone@example.net']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('records the reason of a DSN that reaches the bounce listener', async () => {
    const s = await sendOne('quota@example.net');
    const returnPath = platform.received.mailFrom.at(-1)!;
    const raw = buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to: returnPath,
      recipients: [
        {
          address: 'quota@example.net',
          action: 'failed',
          status: '5.2.2',
          diagnosticCode: '552 5.2.2 <quota@example.net>: Mailbox full, quota exceeded',
          remoteMta: 'mx.example.net',
        },
      ],
      returnedHeaders: { 'Message-ID': `<${s.deliveryId}@sakura.com>`, 'X-Mailroute-Delivery': s.deliveryId },
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.bounces!.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({ envelope: { from: '', to: [returnPath] }, raw });
    } finally {
      transport.close();
    }
    const got = await t.call('GET', '/api/v1/bounces?recipient=quota@example.net');
    expect(got.body.items).toEqual([
      expect.objectContaining({ reason: 'mailbox-full', class: 'soft', source: 'listener', status: '5.2.2' }),
    ]);
  });

  it('records the reason of a provider webhook event', async () => {
    const s = await sendOne('pm-full@example.net');
    const res = await t.call(
      'POST',
      '/api/v1/webhooks/postmark',
      JSON.stringify({
        RecordType: 'Bounce',
        Type: 'SoftBounce',
        Email: 'pm-full@example.net',
        Details: 'smtp;552 5.2.2 Mailbox full',
        Metadata: { 'mailroute-delivery': s.deliveryId },
      }),
      null,
      {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('postmark:postmark-password-123').toString('base64')}`,
      },
    );
    expect(res.body).toMatchObject({ recorded: 1 });
    const got = await t.call('GET', '/api/v1/bounces?recipient=pm-full@example.net');
    expect(got.body.items).toEqual([
      expect.objectContaining({ reason: 'mailbox-full', class: 'soft', source: 'webhook:postmark' }),
    ]);
  });

  it('shows no bounce reason on a suppression added by hand', async () => {
    const res = await t.call('POST', '/api/v1/suppressions', { address: 'hand@example.net' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reason: 'manual', bounceReason: null });
    expect(await suppression('hand@example.net')).toMatchObject({ bounceReason: null });
  });

  it('describes every reason in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).body;
    const text = JSON.stringify(doc.components.schemas.Bounce.properties.reason);
    for (const r of bounceReasons) expect(text).toContain(`\`${r}\`: `);
  });
});
