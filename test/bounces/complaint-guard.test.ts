/**
 * The complaint-rate guard end to end (issue 17): an org delivers 1000 mass emails to a loopback
 * MX, then ARF complaints arrive at the bounce listener by SMTP at their VERP return paths. Two
 * (0.2%) warn the admins; four (0.4%, over 0.3%) pause the org's mass email: a new mass email
 * waits while an individual email still goes out, until an admin resumes it.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verpKey } from '../../src/delivery/derived-keys.js';
import { complaintVerdict } from '../../src/domain/complaint-rate.js';
import { verpAddress } from '../../src/domain/verp.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const VOLUME = 1000;

function arf(recipient: string, deliveryId: string): string {
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
    'From: amelia@sakura.com',
    `To: ${recipient}`,
    `Message-ID: <${deliveryId}@sakura.com>`,
    `X-Mailroute-Delivery: ${deliveryId}`,
    'Subject: Spring sale',
    '',
    '--arf--',
    '',
  ].join('\r\n');
}

describe('the complaint-rate rule', () => {
  it.each([
    [{ complaints: 1, delivered: 10 }, 'ok'],
    [{ complaints: 1, delivered: 1000 }, 'ok'],
    [{ complaints: 2, delivered: 1000 }, 'warn'],
    [{ complaints: 3, delivered: 1000 }, 'warn'],
    [{ complaints: 4, delivered: 1000 }, 'pause'],
    [{ complaints: 0, delivered: 0 }, 'ok'],
  ] as const)('%o with a minimum of 1000 is %s', (day, verdict) => {
    expect(complaintVerdict(day, 1000)).toBe(verdict);
  });
});

describe.each(dialects)('complaint-rate guard on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
    });
    mx = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await dns?.close();
    await mx?.close();
  });

  const mass = (addresses: string[]) =>
    t.call('POST', '/api/v1/mass-emails', {
      from: 'amelia@sakura.com',
      subject: 'Spring sale',
      text: 'Hello',
      recipients: addresses.map((address) => ({ address })),
    });
  const kinds = async () =>
    ((await t.call('GET', '/api/v1/notifications')).body.items as { kind: string }[]).map((n) => n.kind);

  async function complain(d: { id: string; recipient: string }) {
    const bounceDomain = t.app.ctx.config.dataCenters[0]!.bounceDomain;
    const to = verpAddress(d.id, bounceDomain, verpKey(t.app.ctx));
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.bounces!.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      const info = await transport.sendMail({
        envelope: { from: '', to: [to] },
        raw: arf(d.recipient, d.id),
      });
      expect(info.response).toMatch(/^250/);
    } finally {
      transport.close();
    }
  }

  it('warns over 0.1%, pauses mass email over 0.3%, keeps individual mail flowing, and resumes', async () => {
    const res = await mass(Array.from({ length: VOLUME }, (_, i) => `reader${i}@example.net`));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    // Wait on the sink, not by polling a thousand deliveries through the API.
    await until(async () => mx.received.messages.length >= VOLUME, 120_000, 'the mass email to arrive');
    const sent = (await settled(t, res.body.id)).deliveries as {
      id: string;
      recipient: string;
      status: string;
    }[];
    expect(sent.filter((d) => d.status === 'sent')).toHaveLength(VOLUME);

    await complain(sent[0]!);
    let report = (await t.call('GET', '/api/v1/reports/complaint-rate')).body;
    expect(report).toMatchObject({ complaints: 1, delivered: VOLUME, rate: 0.001, paused: null });
    expect(await kinds()).not.toContain('org.complaint_rate_warning');

    await complain(sent[1]!);
    expect(await kinds()).toContain('org.complaint_rate_warning');
    await complain(sent[2]!);
    expect((await t.call('GET', '/api/v1/reports/complaint-rate')).body.paused).toBeNull();
    await complain(sent[3]!);
    report = (await t.call('GET', '/api/v1/reports/complaint-rate')).body;
    expect(report).toMatchObject({
      complaints: 4,
      rate: 0.004,
      paused: { complaints: 4, delivered: VOLUME },
    });
    expect(await kinds()).toContain('org.mass_paused');
    expect((await kinds()).filter((k) => k === 'org.complaint_rate_warning')).toHaveLength(1);

    // Paused: a new mass email waits; an individual one to the same address goes out.
    const held = await mass(['later@example.net']);
    const individual = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['later@example.net'],
      subject: 'Receipt',
      text: 'Thanks',
    });
    expect((await settled(t, individual.body.id)).deliveries[0].status).toBe('sent');
    const waiting = (await t.call('GET', `/api/v1/messages/${held.body.id}`)).body.deliveries[0];
    expect(waiting.status).toBe('queued');
    const before = mx.received.messages.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(mx.received.messages.length).toBe(before);

    // Resumed by an admin: the held mass email goes out at once.
    const resumed = await t.call('POST', '/api/v1/mass-email/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBeNull();
    expect((await t.call('POST', '/api/v1/mass-email/resume')).status).toBe(409);
    await until(async () => {
      const d = (await t.call('GET', `/api/v1/messages/${held.body.id}`)).body.deliveries[0];
      return d.status === 'sent';
    });
  }, 180_000);
});
