/**
 * The bounce listener end to end: a message goes out through a loopback relay whose bounce handling
 * is `platform`, then a real RFC 3464 DSN (or an ARF complaint) is delivered to the listener by SMTP
 * at the return path the relay saw, and the delivery's status and the suppression list change.
 */
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounces/build-dsn.js';
import { startBounceListener } from '../../src/bounces/listener.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { sendOneSettled } from '../helpers/delivery.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const BOUNCE_DOMAIN = 'bounces.mailroute.localhost';

/** Delivers `raw` to the listener with a null sender; resolves to the server's last reply. */
async function deliver(port: number, to: string, raw: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from: '', to: [to] }, raw });
    return info.response;
  } finally {
    transport.close();
  }
}

function complaint(recipient: string, returned: Record<string, string>): string {
  const headers = Object.entries(returned)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return [
    'From: feedback@isp.example',
    'To: abuse@sakura.com',
    'Subject: complaint',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"',
    '',
    '--arf',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '--arf',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: isp-fbl/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${recipient}`,
    '',
    '--arf',
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    `To: ${recipient}`,
    '',
    '--arf--',
    '',
  ].join('\r\n');
}

describe.each(dialects)('bounce listener on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let domainId: string;
  let port: number;

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, { MAILROUTE_RELAY_PORTS: 'any', MAILROUTE_DOMAIN_VERIFICATION: 'off' });
    port = t.app.bounces!.port;
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  });
  afterAll(async () => {
    await t.close();
    await relay.close();
  });

  const withRelay = async (fixedReturnPath: boolean) => {
    const res = await t.call('POST', '/api/v1/relays', {
      name: 'relay',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 100,
      domainId,
      emailTypes: ['workflow'],
      bounceHandling: { mode: 'platform', fixedReturnPath },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  /** Sends one workflow email through the relay; returns the delivery and the return path used. */
  const sendOne = async (to: string) => {
    const { messageId, deliveryId, status } = await sendOneSettled(t, to, 'workflow');
    expect(status).toBe('sent');
    return { messageId, deliveryId, returnPath: relay.received.mailFrom.at(-1)! };
  };
  const detailOf = async (messageId: string) => (await t.call('GET', `/api/v1/messages/${messageId}`)).body;
  const suppressions = async () =>
    (await t.call('GET', '/api/v1/suppressions')).body.items as { address: string; reason: string }[];
  const dsn = (
    to: string,
    recipient: string,
    deliveryId: string,
    status = '5.1.1',
    action: 'failed' | 'delayed' = 'failed',
  ) =>
    buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to,
      recipients: [
        {
          address: recipient,
          action,
          status,
          diagnosticCode: status.startsWith('5')
            ? `550 ${status} <${recipient}>: Recipient address rejected: User unknown in virtual mailbox table`
            : `452 ${status} <${recipient}>: Mailbox full, quota exceeded`,
          remoteMta: 'mx.example.net',
        },
      ],
      returnedHeaders: {
        'Message-ID': `<${deliveryId}@sakura.com>`,
        'X-Mailroute-Delivery': deliveryId,
        Subject: 'Hello',
      },
    });

  it('marks the delivery bounced and suppresses the address for a DSN to its VERP return path', async () => {
    const relayId = await withRelay(false);
    const sent = await sendOne('gone@example.net');
    expect(sent.returnPath).toMatch(/^bounces\+[a-z2-7]{26}-[a-z2-7]{16}@bounces\.mailroute\.localhost$/);
    const reply = await deliver(
      port,
      sent.returnPath,
      dsn(sent.returnPath, 'gone@example.net', sent.deliveryId),
    );
    expect(reply).toMatch(/^250 /);
    const d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d).toMatchObject({ status: 'bounced', lastStatus: '5.1.1' });
    expect(d.lastReply).toContain('User unknown');
    expect(d.bounces).toEqual([
      expect.objectContaining({ status: '5.1.1', action: 'failed', class: 'hard', source: 'listener' }),
    ]);
    expect(await suppressions()).toContainEqual(
      expect.objectContaining({ address: 'gone@example.net', reason: 'hard-bounce' }),
    );
    const log = (await t.call('GET', '/api/v1/messages?status=bounced')).body.items;
    expect(log.map((e: { deliveryId: string }) => e.deliveryId)).toContain(sent.deliveryId);
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('matches a DSN to the catch-all by the returned X-Mailroute-Delivery header', async () => {
    const relayId = await withRelay(true);
    const sent = await sendOne('moved@example.net');
    expect(sent.returnPath).toBe(`catchall@${BOUNCE_DOMAIN}`);
    await deliver(port, sent.returnPath, dsn(sent.returnPath, 'moved@example.net', sent.deliveryId));
    expect((await detailOf(sent.messageId)).deliveries[0].status).toBe('bounced');
    expect(await suppressions()).toContainEqual(
      expect.objectContaining({ address: 'moved@example.net', reason: 'hard-bounce' }),
    );
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('ignores a report quoting a VERP delivery at another local part or at the catch-all', async () => {
    const relayId = await withRelay(false);
    const sent = await sendOne('target@example.net');
    expect(sent.returnPath).toMatch(/^bounces\+/);
    for (const to of [`anything@${BOUNCE_DOMAIN}`, `catchall@${BOUNCE_DOMAIN}`])
      expect(await deliver(port, to, dsn(to, 'target@example.net', sent.deliveryId))).toMatch(/^250 /);
    let d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('sent');
    expect(d.bounces).toEqual([]);
    expect((await suppressions()).map((s) => s.address)).not.toContain('target@example.net');
    const logs = t.logs.join('');
    expect(logs).toContain('"event":"bounce.not_a_return_path"');
    expect(logs).toContain('"event":"bounce.wrong_return_path"');
    // Its own VERP address still takes its bounces.
    await deliver(port, sent.returnPath, dsn(sent.returnPath, 'target@example.net', sent.deliveryId));
    d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('bounced');
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it("takes a catch-all delivery's reports at the catch-all itself only, naming its recipient", async () => {
    const relayId = await withRelay(true);
    const sent = await sendOne('forwarded@example.net');
    expect(sent.returnPath).toBe(`catchall@${BOUNCE_DOMAIN}`);
    const other = `postmaster@${BOUNCE_DOMAIN}`;
    expect(await deliver(port, other, dsn(other, 'forwarded@example.net', sent.deliveryId))).toMatch(/^250 /);
    const stranger = dsn(sent.returnPath, 'someone-else@example.net', sent.deliveryId);
    expect(await deliver(port, sent.returnPath, stranger)).toMatch(/^250 /);
    let d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('sent');
    expect(d.bounces).toEqual([]);
    expect((await suppressions()).map((s) => s.address)).not.toContain('forwarded@example.net');
    expect(t.logs.join('')).toContain('"event":"bounce.recipient_mismatch"');
    // What counts is the return path the mail left with, not the relay's bounce handling now.
    const changed = await t.call('PATCH', `/api/v1/relays/${relayId}`, {
      bounceHandling: { mode: 'platform', fixedReturnPath: false },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // A report whose Original-Recipient is the delivery's (the mail was forwarded on) is taken.
    const viaForward = buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to: sent.returnPath,
      recipients: [
        {
          address: 'final@elsewhere.example',
          originalRecipient: 'Forwarded@example.net',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 <final@elsewhere.example>: User unknown',
        },
      ],
      returnedHeaders: { 'Message-ID': `<${sent.deliveryId}@sakura.com>`, Subject: 'Hello' },
    });
    await deliver(port, sent.returnPath, viaForward);
    d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('bounced');
    expect(await suppressions()).toContainEqual(
      expect.objectContaining({ address: 'forwarded@example.net', reason: 'hard-bounce' }),
    );
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('changes nothing for a forged VERP token or a report naming no delivery, and logs it', async () => {
    const relayId = await withRelay(false);
    const sent = await sendOne('kept@example.net');
    const forged = sent.returnPath.replace(/-[a-z2-7]{16}@/, '-aaaaaaaaaaaaaaaa@');
    expect(await deliver(port, forged, dsn(forged, 'kept@example.net', sent.deliveryId))).toMatch(/^250 /);
    const anonymous = buildDsn({
      reportingMta: 'mx.example.net',
      from: 'MAILER-DAEMON@mx.example.net',
      to: `catchall@${BOUNCE_DOMAIN}`,
      recipients: [{ address: 'kept@example.net', action: 'failed', status: '5.1.1' }],
      returnedHeaders: { Subject: 'Hello' },
    });
    await deliver(port, `catchall@${BOUNCE_DOMAIN}`, anonymous);
    const d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('sent');
    expect(d.bounces).toEqual([]);
    expect((await suppressions()).map((s) => s.address)).not.toContain('kept@example.net');
    expect(t.logs.join('')).toContain('"event":"bounce.forged_token"');
    expect(t.logs.join('')).toContain('"event":"bounce.no_delivery_named"');
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('refuses mail for other domains with 550 5.7.1', async () => {
    const err = await deliver(port, 'someone@example.org', 'Subject: hi\r\n\r\nhello\r\n').catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.rejectedErrors?.[0]?.response ?? err.response)).toMatch(/^550 5\.7\.1 Relaying denied/);
  });

  it('refuses a message over the size limit with 552', async () => {
    const small = await startBounceListener(t.app.ctx, { port: 0, host: '127.0.0.1', maxBytes: 2048 });
    try {
      const big = `Subject: big\r\n\r\n${'x'.repeat(70).concat('\r\n').repeat(100)}`;
      const err = await deliver(small.port, `catchall@${BOUNCE_DOMAIN}`, big).catch((e) => e);
      expect(String(err.response)).toMatch(/^552 /);
    } finally {
      await small.close();
    }
  });

  it('records a delayed DSN as a note only', async () => {
    const relayId = await withRelay(false);
    const sent = await sendOne('slow@example.net');
    await deliver(
      port,
      sent.returnPath,
      dsn(sent.returnPath, 'slow@example.net', sent.deliveryId, '4.2.2', 'delayed'),
    );
    const d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('sent');
    expect(d.bounces).toEqual([expect.objectContaining({ action: 'delayed', status: '4.2.2' })]);
    expect((await suppressions()).map((s) => s.address)).not.toContain('slow@example.net');
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('marks a complaint (ARF) complained and suppresses the address', async () => {
    const relayId = await withRelay(false);
    const sent = await sendOne('angry@example.net');
    await deliver(
      port,
      sent.returnPath,
      complaint('angry@example.net', {
        'Message-ID': `<${sent.deliveryId}@sakura.com>`,
        'X-Mailroute-Delivery': sent.deliveryId,
      }),
    );
    const d = (await detailOf(sent.messageId)).deliveries[0];
    expect(d.status).toBe('complained');
    expect(d.bounces).toEqual([expect.objectContaining({ class: 'complaint' })]);
    expect(await suppressions()).toContainEqual(
      expect.objectContaining({ address: 'angry@example.net', reason: 'complaint' }),
    );
    const log = (await t.call('GET', '/api/v1/messages?status=complained')).body.items;
    expect(log.map((e: { deliveryId: string }) => e.deliveryId)).toEqual([sent.deliveryId]);
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });

  it('suppresses after the third soft bounce within 7 days, not before', async () => {
    const relayId = await withRelay(false);
    for (let i = 1; i <= 3; i++) {
      const sent = await sendOne('full@example.net');
      await deliver(
        port,
        sent.returnPath,
        dsn(sent.returnPath, 'full@example.net', sent.deliveryId, '4.2.2'),
      );
      const d = (await detailOf(sent.messageId)).deliveries[0];
      expect(d.status).toBe('bounced');
      expect(d.bounces[0].class).toBe('soft');
      const listed = (await suppressions()).find((s) => s.address === 'full@example.net');
      if (i < 3) expect(listed).toBeUndefined();
      else expect(listed?.reason).toBe('soft-bounces');
      t.clock.advance(86_400_000);
    }
    await t.call('DELETE', `/api/v1/relays/${relayId}`);
  });
});

describe('where the bounce listener listens', () => {
  const reachable = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });

  it('binds the address MAILROUTE_BOUNCE_SMTP_HOST names, and only that one', async () => {
    const t = await startTestApp('sqlite', { MAILROUTE_BOUNCE_SMTP_HOST: '127.0.0.2' });
    try {
      const port = t.app.bounces!.port;
      expect(await reachable('127.0.0.2', port)).toBe(true);
      expect(await reachable('127.0.0.1', port)).toBe(false);
    } finally {
      await t.close();
    }
  });
});
