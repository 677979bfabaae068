/**
 * A message submitted over SMTP is handled as an API submission (issue 18): the application's own
 * DKIM signature is kept and mailroute adds the domain's, both verified by mailauth against a
 * loopback DNS server; content rules apply to the raw message; and `GET /api/v1/submission` tells
 * the console where applications submit (the port really bound, or that submission is off).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const APP_SELECTOR = 'app';
const APP_DOMAIN = 'app.sakura.example';

describe.each(dialects)('SMTP submission, signed and with content rules, on %s', (dialect) => {
  let t: TestApp;
  let sink: TestSmtpServer;
  let dns: TestDnsServer;
  let key: string;
  let appKey: string;

  beforeAll(async () => {
    sink = await startSmtpServer({ mode: 'plain' });
    dns = await startDnsServer({});
    t = await startTestApp(dialect, {
      MAILROUTE_SUBMISSION_PORT: '0',
      MAILROUTE_EHLO_NAME: 'localhost',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
    });
    const domain = await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    expect(domain.status, JSON.stringify(domain.body)).toBe(201);
    dns.set(domain.body.dkim.dnsRecord.name, { TXT: [domain.body.dkim.dnsRecord.value] });
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    appKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    dns.set(`${APP_SELECTOR}._domainkey.${APP_DOMAIN}`, { TXT: [`v=DKIM1; k=rsa; p=${pub}`] });
    const created = await t.call('POST', '/api/v1/api-keys', {
      name: 'crm',
      role: 'send',
      defaultType: 'workflow',
    });
    key = created.body.key;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await dns?.close();
  });

  const submit = (mail: SendMailOptions) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: t.app.submission!.port!,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'crm', pass: key },
        dkim: { domainName: APP_DOMAIN, keySelector: APP_SELECTOR, privateKey: appKey },
      })
      .sendMail(mail);
  const delivered = async (response: string) => {
    const id = /queued as (\S+)/.exec(response)![1]!;
    const detail = await settled(t, id);
    expect(detail.deliveries.map((d: { status: string }) => d.status)).toEqual(['sent']);
    const out = sink.received.messages.find((m) =>
      m.toString().includes(`X-Mailroute-Delivery: ${detail.deliveries[0].id}`),
    );
    expect(out).toBeDefined();
    return out!;
  };

  it("keeps the application's DKIM signature and adds the domain's; both verify", async () => {
    const info = await submit({
      from: 'Amelia <amelia@sakura.com>',
      to: 'hana@example.net',
      subject: 'Signed twice',
      text: 'Hello, signed by the application and by mailroute.',
    });
    const raw = await delivered(info.response);
    const results = await verifyDkim(raw, dns.address);
    expect(results).toEqual(
      expect.arrayContaining([
        { domain: APP_DOMAIN, result: 'pass' },
        { domain: 'sakura.com', result: 'pass' },
      ]),
    );
    // mailroute's signature comes first (it is added last, on top).
    expect(/^DKIM-Signature:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*/m.exec(raw.toString())![0]).toMatch(
      /d=sakura\.com/,
    );
  });

  it('applies content rules to a raw message taken over SMTP, as to an API submission', async () => {
    const rule = await t.call('POST', '/api/v1/content-rules', {
      name: 'footer',
      position: 'footer',
      text: 'Sakura Corp. 1-2-3 Chiyoda, Tokyo',
      emailTypes: ['workflow'],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const info = await submit({
      from: 'amelia@sakura.com',
      to: 'ken@example.net',
      subject: 'With a footer',
      text: 'Your order has shipped.',
    });
    const raw = (await delivered(info.response)).toString();
    expect(raw).toContain('Your order has shipped.');
    expect(raw).toContain('Sakura Corp. 1-2-3 Chiyoda, Tokyo');
    expect(raw.indexOf('Your order has shipped.')).toBeLessThan(raw.indexOf('Sakura Corp.'));
    // The body changed, so the application's signature no longer verifies; mailroute's does.
    expect(await verifyDkim(Buffer.from(raw), dns.address)).toContainEqual({
      domain: 'sakura.com',
      result: 'pass',
    });
    await t.call('DELETE', `/api/v1/content-rules/${rule.body.id}`);
  });

  it('tells the console the port it really listens on', async () => {
    const res = await t.call('GET', '/api/v1/submission');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      enabled: true,
      host: '127.0.0.1',
      loopbackOnly: true,
      port: t.app.submission!.port,
      tlsPort: null,
    });
  });
});

describe('GET /api/v1/submission with submission off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('says it is off', async () => {
    const res = await t.call('GET', '/api/v1/submission');
    expect(res.body).toMatchObject({ enabled: false, port: null, tlsPort: null });
  });
});
