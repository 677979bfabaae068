/**
 * Bounce import and suppression over the API: `POST /api/v1/bounces`, the provider webhooks with
 * real signatures (SNS with a test certificate served from loopback, SendGrid ECDSA, Mailgun HMAC,
 * Postmark basic auth), the suppression list, and what intake does with suppressed addresses.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsStringToSign } from '../../src/bounces/webhooks/sns.js';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer, testCertificates } from '../helpers/smtp-servers.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mailroute-bounces';
const MAILGUN_KEY = 'mailgun-signing-key-0123456789';
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A loopback HTTP server serving the SNS signing certificate and counting subscription visits. */
async function startSnsEndpoint(cert: string) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/cert.pem') res.end(cert);
    else res.end('<ConfirmSubscriptionResponse/>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(dialects)('bounce import and suppression on %s', (dialect) => {
  let t: TestApp;
  let platform: TestSmtpServer;
  let sns: Awaited<ReturnType<typeof startSnsEndpoint>>;
  let signingKey: string;

  beforeAll(async () => {
    const certs = await testCertificates();
    signingKey = certs.valid.key;
    sns = await startSnsEndpoint(certs.valid.cert);
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_WEBHOOK_SES_TOPIC_ARNS: TOPIC,
      MAILROUTE_WEBHOOK_SES_CERT_HOSTS: '^127\\.0\\.0\\.1$',
      MAILROUTE_WEBHOOK_SENDGRID_PUBLIC_KEY: sendgridKeys.publicKey
        .export({ format: 'der', type: 'spki' })
        .toString('base64'),
      MAILROUTE_WEBHOOK_MAILGUN_SIGNING_KEY: MAILGUN_KEY,
      MAILROUTE_WEBHOOK_POSTMARK_USER: 'postmark',
      MAILROUTE_WEBHOOK_POSTMARK_PASSWORD: 'postmark-password-123',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await sns.close();
  });

  const sendOne = async (to: string) => {
    const { messageId, deliveryId, status } = await sendOneSettled(t, to, 'individual');
    expect(status).toBe('sent');
    return { messageId, deliveryId };
  };
  const delivery = async (messageId: string) =>
    (await t.call('GET', `/api/v1/messages/${messageId}`)).body.deliveries[0];
  const suppressed = async (address: string) =>
    (await t.call('GET', `/api/v1/suppressions?address=${encodeURIComponent(address)}`)).body.items[0];
  const post = (path: string, body: string, headers: Record<string, string>) =>
    t.call('POST', path, body, null, { 'content-type': 'application/json', ...headers });

  describe('POST /api/v1/bounces', () => {
    it('records a hard bounce by delivery id: bounced and suppressed', async () => {
      const s = await sendOne('imp1@example.net');
      const res = await t.call('POST', '/api/v1/bounces', {
        deliveryId: s.deliveryId,
        recipient: 'imp1@example.net',
        status: '5.1.1',
        diagnosticCode: '550 5.1.1 user unknown',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        recorded: true,
        class: 'hard',
        deliveryStatus: 'bounced',
        suppressed: 'hard-bounce',
      });
      expect((await delivery(s.messageId)).bounces).toEqual([
        expect.objectContaining({ status: '5.1.1', class: 'hard', source: 'api' }),
      ]);
      expect(await suppressed('imp1@example.net')).toMatchObject({ reason: 'hard-bounce', source: 'api' });
    });

    it('finds the delivery by message id and recipient, and takes a given class', async () => {
      const s = await sendOne('imp2@example.net');
      const res = await t.call('POST', '/api/v1/bounces', {
        messageId: s.messageId,
        recipient: 'imp2@example.net',
        status: '4.2.2',
        class: 'soft',
      });
      expect(res.body).toMatchObject({ class: 'soft', deliveryStatus: 'bounced', suppressed: null });
    });

    it('refuses bad input naming the field, unknown deliveries, and non-admin keys', async () => {
      const bad = await t.call('POST', '/api/v1/bounces', {
        deliveryId: 'dlv_x',
        recipient: 'a@example.net',
        status: '550',
      });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.fields).sort()).toEqual(['deliveryId', 'status']);
      const unknown = await t.call('POST', '/api/v1/bounces', {
        deliveryId: `dlv_${'a'.repeat(26)}`,
        recipient: 'a@example.net',
        status: '5.1.1',
      });
      expect(unknown.status).toBe(404);
      const key = (await t.call('POST', '/api/v1/api-keys', { name: 'sender', role: 'send' })).body.key;
      const send = await t.call(
        'POST',
        '/api/v1/bounces',
        { deliveryId: `dlv_${'a'.repeat(26)}`, recipient: 'a@example.net', status: '5.1.1' },
        key,
      );
      expect(send.status).toBe(403);
    });
  });

  describe('suppression list and intake', () => {
    it('adds, lists and removes addresses by hand, audited; members read only', async () => {
      const added = await t.call('POST', '/api/v1/suppressions', { address: 'Manual@Example.net' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ address: 'manual@example.net', reason: 'manual' });
      expect((await t.call('POST', '/api/v1/suppressions', { address: 'manual@example.net' })).status).toBe(
        409,
      );
      expect(
        (await t.call('POST', '/api/v1/suppressions', { address: 'nope' })).body.error.fields,
      ).toHaveProperty('address');
      const member = await userSession(t, 'member');
      const listed = await t.call('GET', '/api/v1/suppressions?reason=manual', undefined, null, {
        cookie: member,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((s: { address: string }) => s.address)).toContain('manual@example.net');
      const denied = await t.call('POST', '/api/v1/suppressions', { address: 'x@example.net' }, null, {
        cookie: member,
      });
      expect(denied.status).toBe(403);
      expect((await t.call('DELETE', '/api/v1/suppressions/manual%40example.net')).status).toBe(204);
      expect((await t.call('DELETE', '/api/v1/suppressions/manual%40example.net')).status).toBe(404);
      const audit = (await t.call('GET', '/api/v1/audit-log')).body.items.map(
        (e: { action: string }) => e.action,
      );
      expect(audit).toEqual(expect.arrayContaining(['suppression.create', 'suppression.delete']));
    });

    it('refuses individual and workflow email to a suppressed address with 409 unless forced', async () => {
      await t.call('POST', '/api/v1/suppressions', { address: 'blocked@example.net' });
      for (const type of ['individual', 'workflow']) {
        const body = {
          type,
          from: 'amelia@sakura.com',
          to: ['ok@example.net'],
          cc: ['Blocked@example.net'],
          subject: 'Hi',
          text: 'x',
        };
        const refused = await t.call('POST', '/api/v1/messages', body);
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('conflict');
        expect(refused.body.error.message).toContain('blocked@example.net');
        expect(refused.body.error.fields).toEqual({ 'cc.0': expect.stringContaining('blocked@example.net') });
        const forced = await t.call('POST', '/api/v1/messages', { ...body, force: true });
        expect(forced.status).toBe(202);
        expect(forced.body.deliveries).toHaveLength(2);
      }
    });

    it('skips suppressed recipients of mass email and counts them', async () => {
      await t.call('POST', '/api/v1/suppressions', { address: 'mass-gone@example.net' });
      const res = await t.call('POST', '/api/v1/mass-emails', {
        from: 'news@sakura.com',
        subject: 'News',
        text: 'hello',
        recipients: [{ address: 'mass-ok@example.net' }, { address: 'MASS-GONE@example.net' }],
      });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 1, suppressed: 1 });
      const statuses = (await t.call('GET', `/api/v1/messages/${res.body.id}`)).body.deliveries.map(
        (d: { recipient: string; status: string }) => `${d.recipient}:${d.status}`,
      );
      expect(statuses).toContain('MASS-GONE@example.net:suppressed');
    });
  });

  describe('webhooks', () => {
    const snsMessage = (fields: Record<string, string>) => {
      const m: Record<string, string> = {
        MessageId: 'b1c2',
        TopicArn: TOPIC,
        Timestamp: new Date(t.clock.now()).toISOString(),
        SignatureVersion: '2',
        SigningCertURL: `${sns.base}/cert.pem`,
        ...fields,
      };
      m.Signature = sign('sha256', Buffer.from(snsStringToSign(m)), signingKey).toString('base64');
      return m;
    };
    const sesBounce = (deliveryId: string, to: string) =>
      JSON.stringify({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bouncedRecipients: [
            {
              emailAddress: to,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
        },
        mail: {
          headers: [{ name: 'X-Mailroute-Delivery', value: deliveryId }],
          commonHeaders: { messageId: `<${deliveryId}@sakura.com>` },
        },
      });

    it('confirms an SNS subscription from an allowed host', async () => {
      const m = snsMessage({
        Type: 'SubscriptionConfirmation',
        Message: 'confirm',
        Token: 'tok',
        SubscribeURL: `${sns.base}/confirm?Token=tok`,
      });
      const res = await post('/api/v1/webhooks/ses', JSON.stringify(m), {
        'content-type': 'text/plain; charset=UTF-8',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.note).toBe('subscription confirmed');
      expect(sns.hits).toContain('/confirm?Token=tok');
    });

    it('records an SES bounce with a valid SNS signature; a bad one or another topic changes nothing', async () => {
      const s = await sendOne('ses@example.net');
      const good = snsMessage({ Type: 'Notification', Message: sesBounce(s.deliveryId, 'ses@example.net') });
      const forged = {
        ...good,
        Message: sesBounce(s.deliveryId, 'ses@example.net').replace('Permanent', 'Transient'),
      };
      const bad = await post('/api/v1/webhooks/ses', JSON.stringify(forged), {
        'content-type': 'text/plain',
      });
      expect(bad.status).toBe(401);
      const otherTopic = snsMessage({
        Type: 'Notification',
        TopicArn: 'arn:aws:sns:us-east-1:999:other',
        Message: sesBounce(s.deliveryId, 'ses@example.net'),
      });
      expect((await post('/api/v1/webhooks/ses', JSON.stringify(otherTopic), {})).status).toBe(403);
      const offHost = snsMessage({
        Type: 'Notification',
        SigningCertURL: 'https://example.com/cert.pem',
        Message: sesBounce(s.deliveryId, 'ses@example.net'),
      });
      expect((await post('/api/v1/webhooks/ses', JSON.stringify(offHost), {})).status).toBe(401);
      expect((await delivery(s.messageId)).status).toBe('sent');
      expect(await suppressed('ses@example.net')).toBeUndefined();
      const ok = await post('/api/v1/webhooks/ses', JSON.stringify(good), { 'content-type': 'text/plain' });
      expect(ok.body).toEqual({ received: 1, recorded: 1, ignored: 0 });
      expect(await delivery(s.messageId)).toMatchObject({ status: 'bounced', lastStatus: '5.1.1' });
      expect(await suppressed('ses@example.net')).toMatchObject({
        reason: 'hard-bounce',
        source: 'webhook:ses',
      });
    });

    it('verifies SendGrid event signatures (ECDSA)', async () => {
      const s = await sendOne('sg@example.net');
      const body = JSON.stringify([
        {
          email: 'sg@example.net',
          event: 'bounce',
          type: 'bounce',
          status: '5.1.1',
          reason: '550 5.1.1 unknown user',
          'smtp-id': `<${s.deliveryId}@sakura.com>`,
        },
        { email: 'sg@example.net', event: 'open' },
      ]);
      const ts = String(Math.floor(t.clock.now() / 1000));
      const signature = sign('sha256', Buffer.from(ts + body), sendgridKeys.privateKey).toString('base64');
      const headers = {
        'x-twilio-email-event-webhook-timestamp': ts,
        'x-twilio-email-event-webhook-signature': signature,
      };
      const tampered = await post('/api/v1/webhooks/sendgrid', body.replace('5.1.1', '4.2.2'), headers);
      expect(tampered.status).toBe(401);
      expect((await delivery(s.messageId)).status).toBe('sent');
      const ok = await post('/api/v1/webhooks/sendgrid', body, headers);
      expect(ok.body).toEqual({ received: 1, recorded: 1, ignored: 0 });
      expect((await delivery(s.messageId)).status).toBe('bounced');
    });

    it('verifies Mailgun signatures (HMAC) and records complaints', async () => {
      const s = await sendOne('mg@example.net');
      const timestamp = String(Math.floor(t.clock.now() / 1000));
      const token = 'a'.repeat(50);
      const payload = (signature: string) =>
        JSON.stringify({
          signature: { timestamp, token, signature },
          'event-data': {
            event: 'complained',
            recipient: 'mg@example.net',
            message: { headers: { 'message-id': `${s.deliveryId}@sakura.com` } },
          },
        });
      const bad = await post(
        '/api/v1/webhooks/mailgun',
        payload(
          createHmac('sha256', 'wrong')
            .update(timestamp + token)
            .digest('hex'),
        ),
        {},
      );
      expect(bad.status).toBe(401);
      expect((await delivery(s.messageId)).status).toBe('sent');
      const ok = await post(
        '/api/v1/webhooks/mailgun',
        payload(
          createHmac('sha256', MAILGUN_KEY)
            .update(timestamp + token)
            .digest('hex'),
        ),
        {},
      );
      expect(ok.body).toMatchObject({ recorded: 1 });
      expect((await delivery(s.messageId)).status).toBe('complained');
      expect(await suppressed('mg@example.net')).toMatchObject({ reason: 'complaint' });
    });

    it('checks Postmark basic-auth credentials and ignores events for another recipient', async () => {
      const s = await sendOne('pm@example.net');
      const body = (email: string) =>
        JSON.stringify({
          RecordType: 'Bounce',
          Type: 'HardBounce',
          Email: email,
          Details: 'smtp;550 5.1.1 The email account does not exist',
          Metadata: { 'mailroute-delivery': s.deliveryId },
        });
      const auth = (p: string) => ({
        authorization: `Basic ${Buffer.from(`postmark:${p}`).toString('base64')}`,
      });
      expect((await post('/api/v1/webhooks/postmark', body('pm@example.net'), auth('wrong'))).status).toBe(
        401,
      );
      const other = await post(
        '/api/v1/webhooks/postmark',
        body('someone-else@example.net'),
        auth('postmark-password-123'),
      );
      expect(other.body).toEqual({ received: 1, recorded: 0, ignored: 1 });
      expect((await delivery(s.messageId)).status).toBe('sent');
      const ok = await post(
        '/api/v1/webhooks/postmark',
        body('pm@example.net'),
        auth('postmark-password-123'),
      );
      expect(ok.body).toMatchObject({ recorded: 1 });
      expect(await delivery(s.messageId)).toMatchObject({ status: 'bounced', lastStatus: '5.1.1' });
    });

    it('answers 400 for an unknown provider, and never echoes a key', async () => {
      const res = await post('/api/v1/webhooks/nope', '{}', {});
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toHaveProperty('provider');
      expect(t.logs.join('')).not.toContain(MAILGUN_KEY);
      expect(t.logs.join('')).not.toContain('postmark-password-123');
    });
  });
});
