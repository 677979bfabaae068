/**
 * The SMTP submission port (issue 18) with real clients: nodemailer and Python's smtplib, over
 * STARTTLS with AUTH, against a real mailroute that relays to a loopback sink. Every rule of the
 * API answered as SMTP with its enhanced status code.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWords } from '../../src/domain/encoded-words.js';
import { clearAuthRefusal, isLoopback } from '../../src/domain/submission-rules.js';
import { type SubmissionServer, startSubmissionServer } from '../../src/submission/server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./smtplib-client.py', import.meta.url));

interface SmtplibResult {
  features?: string[];
  features_tls?: string[];
  auth_tls?: string;
  auth?: [number, string];
  mail?: [number, string];
  rcpt?: [number, string][];
  data?: [number, string];
  disconnected?: string;
}

function smtplib(job: Record<string, unknown>): Promise<SmtplibResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as SmtplibResult);
    });
    child.stdin!.end(JSON.stringify({ host: '127.0.0.1', ...job }));
  });
}

const rfc822 = (headers: Record<string, string>, body = 'Hello from the application.') =>
  `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}\r\n`;

describe('the clear-text AUTH rule', () => {
  it.each([
    ['127.0.0.1', false, true],
    ['127.0.0.2', false, true],
    ['::1', false, true],
    ['::ffff:127.0.0.1', false, true],
    ['192.0.2.10', false, false],
    ['::ffff:192.0.2.10', false, false],
    ['2001:db8::1', false, false],
    ['192.0.2.10', true, true],
    ['2001:db8::1', true, true],
    ['128.0.0.1', false, false],
  ])('%s over %s TLS: allowed %s', (address, secure, allowed) => {
    const refusal = clearAuthRefusal(address, secure);
    expect(refusal === undefined).toBe(allowed);
    if (!allowed) expect(refusal).toMatch(/^5\.7\.11 Encryption required/);
  });

  it.each([
    ['=?UTF-8?B?44GT44KT44Gr44Gh44Gv?=', 'こんにちは'],
    ['=?utf-8?Q?caf=C3=A9_au_lait?=', 'café au lait'],
    ['=?ISO-8859-1?Q?Gr=FC=DFe?= =?UTF-8?B?IQ==?=', 'Grüße!'],
    ['plain subject', 'plain subject'],
    ['=?KOI8-R?B?8NLJ18XU?=', '=?KOI8-R?B?8NLJ18XU?='],
  ])('decodes the encoded words of %s', (raw, text) => {
    expect(decodeWords(raw)).toBe(text);
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.255.255.254')).toBe(true);
    expect(isLoopback('127.0.0.256')).toBe(false);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });
});

describe.each(dialects)('SMTP submission on %s', (dialect) => {
  let t: TestApp;
  let sink: TestSmtpServer;
  let port: number;
  let key: string;
  let adminKey: string;

  const transport = (password: string, extra: Record<string, unknown> = {}) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'crm', pass: password },
      ...extra,
    });

  beforeAll(async () => {
    sink = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_SUBMISSION_PORT: '0',
      MAILROUTE_EHLO_NAME: 'localhost',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'small', dailyLimit: 40, maxDomains: 2, maxRelaysPerDomain: 1 }),
      MAILROUTE_DEFAULT_PLAN: 'small',
      MAILROUTE_MAX_MESSAGE_BYTES: '20000',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
    });
    port = t.app.submission!.port!;
    expect((await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).status).toBe(201);
    const created = await t.call('POST', '/api/v1/api-keys', {
      name: 'crm',
      role: 'send',
      defaultType: 'workflow',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.defaultType).toBe('workflow');
    key = created.body.key;
    const admin = await t.call('POST', '/api/v1/api-keys', { name: 'ops', role: 'admin' });
    expect(admin.body.defaultType).toBe('individual');
    adminKey = admin.body.key;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const messageRow = (id: string) =>
    t.app.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const receivedBy = (address: string) =>
    sink.received.messages.filter(
      (m) => /^X-Mailroute-Delivery: /m.test(m.toString()) && m.toString().includes(address),
    );

  it('generated a self-signed certificate for the EHLO name, 0600, and logged it', async () => {
    const { statSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const f of ['submission-cert.pem', 'submission-key.pem'])
      expect(statSync(join(t.dataDir, f)).mode & 0o777).toBe(0o600);
    expect(t.logs.join('')).toContain('"event":"submission.certificate_generated"');
  });

  it('nodemailer: STARTTLS + AUTH, Bcc through the envelope, the type header taken out, the app DKIM kept', async () => {
    const info = await transport(key).sendMail({
      from: 'Amelia <amelia@sakura.com>',
      to: 'to-one@example.net',
      bcc: 'hidden@example.net',
      subject: 'Over SMTP',
      text: 'Hello over SMTP',
      headers: {
        'X-Mailroute-Type': 'mass',
        'DKIM-Signature': 'v=1; a=rsa-sha256; d=app.example; s=app; b=abc',
      },
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1];
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
    expect((await messageRow(id!)).type).toBe('mass');
    const detail = await settled(t, id!);
    expect(
      detail.deliveries.map((d: { recipient: string; status: string }) => [d.recipient, d.status]).sort(),
    ).toEqual([
      ['hidden@example.net', 'sent'],
      ['to-one@example.net', 'sent'],
    ]);
    for (const address of ['to-one@example.net', 'hidden@example.net']) {
      const out = sink.received.messages.find(
        (m) => m.toString().includes('Hello over SMTP') && sink.received.rcptTo.includes(address),
      );
      expect(out).toBeDefined();
    }
    const sent = sink.received.messages.filter((m) => m.toString().includes('Hello over SMTP')).map(String);
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      expect(m).not.toMatch(/^X-Mailroute-Type:/im);
      expect(m).not.toMatch(/^Bcc:/im);
      expect(m).not.toContain('hidden@example.net');
      expect(m).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; d=app\.example/m);
      expect(m).toMatch(/^X-Mailroute-Delivery: /m);
    }
  });

  it("uses the key's default type without the header", async () => {
    const info = await transport(key).sendMail({
      from: 'amelia@sakura.com',
      to: 'default-type@example.net',
      subject: 'Default type',
      text: 'x',
    });
    const id = /queued as (\S+)/.exec(info.response)![1]!;
    expect((await messageRow(id)).type).toBe('workflow');
    const other = await transport(adminKey).sendMail({
      from: 'amelia@sakura.com',
      to: 'a2@example.net',
      subject: 's',
      text: 'x',
    });
    expect((await messageRow(/queued as (\S+)/.exec(other.response)![1]!)).type).toBe('individual');
  });

  it('smtplib: EHLO advertises the extensions; STARTTLS, AUTH LOGIN/PLAIN, and a 250 naming the message id', async () => {
    const r = await smtplib({
      port,
      starttls: true,
      user: 'any-user-name',
      password: key,
      from: 'amelia@sakura.com',
      to: ['python@example.net'],
      message: rfc822({ From: 'amelia@sakura.com', To: 'python@example.net', Subject: 'From Python' }),
    });
    expect(r.features).toEqual(
      expect.arrayContaining([
        'starttls',
        'auth',
        '8bitmime',
        'smtputf8',
        'pipelining',
        'size',
        'enhancedstatuscodes',
      ]),
    );
    expect(r.auth_tls).toContain('PLAIN');
    expect(r.auth_tls).toContain('LOGIN');
    expect(r.auth?.[0]).toBe(235);
    expect(r.data?.[0]).toBe(250);
    const id = /queued as (\S+)/.exec(r.data![1])![1]!;
    const detail = await settled(t, id);
    expect(detail.deliveries[0].status).toBe('sent');
    expect(detail.deliveries[0].recipient).toBe('python@example.net');
  });

  it('refuses a wrong key with 535 5.7.8 (nodemailer and smtplib)', async () => {
    await expect(
      transport('not-a-key').sendMail({ from: 'amelia@sakura.com', to: 'x@example.net', text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 535,
      response: expect.stringMatching(
        /^535 5\.7\.8 Authentication failed: the password must be a valid mailroute API key/,
      ),
    });
    const r = await smtplib({ port, starttls: true, password: 'mr_wrong' });
    expect(r.auth?.[0]).toBe(535);
    expect(r.auth?.[1]).toMatch(/^5\.7\.8 /);
    expect(t.logs.join('')).not.toContain('mr_wrong');
  });

  it('refuses AUTH in clear from a non-loopback address with 538 5.7.11, and allows it from loopback', async () => {
    // A second server on the same mailroute that sees 127.0.0.1 only as local: a client on 127.0.0.2 is remote to it.
    const narrow = (await startSubmissionServer(t.app.ctx, {
      port: 0,
      tlsPort: 'off',
      clearAuthFrom: (a) => a.replace(/^::ffff:/, '') === '127.0.0.1',
    })) as SubmissionServer;
    try {
      const remote = await smtplib({ port: narrow.port, source: '127.0.0.2', password: key });
      expect(remote.auth?.[0]).toBe(538);
      expect(remote.auth?.[1]).toMatch(/^5\.7\.11 Encryption required/);
      const remoteTls = await smtplib({
        port: narrow.port,
        source: '127.0.0.2',
        starttls: true,
        password: key,
      });
      expect(remoteTls.auth?.[0]).toBe(235);
      const local = await smtplib({ port: narrow.port, source: '127.0.0.1', password: key });
      expect(local.auth?.[0]).toBe(235);
    } finally {
      await narrow.close();
    }
    await expect(
      transport(key, { requireTLS: false, ignoreTLS: true }).sendMail({
        from: 'amelia@sakura.com',
        to: 'clear@example.net',
        text: 'x',
      }),
    ).resolves.toMatchObject({ response: expect.stringMatching(/^250 /) });
  });

  it('refuses a From on a domain the org has not verified with 550 5.7.1', async () => {
    await expect(
      transport(key).sendMail({ from: 'ceo@other.example', to: 'x@example.net', subject: 's', text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/^550 5\.7\.1 .*other\.example is not a domain of this org/),
    });
  });

  it('advertises SIZE and refuses a larger message with 552 5.3.4', async () => {
    const r = await smtplib({
      port,
      starttls: true,
      password: key,
      from: 'amelia@sakura.com',
      to: ['big@example.net'],
      message: rfc822({ From: 'amelia@sakura.com', Subject: 'big' }, 'x'.repeat(30_000)),
    });
    expect(r.data?.[0]).toBe(552);
    expect(r.data?.[1]).toMatch(/^5\.3\.4 .*20000/);
    const declared = await smtplib({
      port,
      starttls: true,
      password: key,
      from: 'amelia@sakura.com',
      mail_options: ['SIZE=50000'],
      to: [],
      message: '',
    });
    expect(declared.mail?.[0]).toBe(552);
    expect(declared.mail?.[1]).toMatch(/^5\.3\.4 /);
  });

  it('refuses recipients past the limit with 452 4.5.3', async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `r${i}@example.org`);
    const r = await smtplib({
      port,
      starttls: true,
      password: key,
      from: 'amelia@sakura.com',
      to,
      message: '',
      data: false,
    });
    expect(r.rcpt?.slice(0, 1000).every(([c]) => c === 250)).toBe(true);
    expect(r.rcpt?.[1000]?.[0]).toBe(452);
    expect(r.rcpt?.[1000]?.[1]).toMatch(/^4\.5\.3 Too many recipients/);
  }, 60_000);

  it('refuses a non-ASCII local part as the API does, and takes an internationalized domain', async () => {
    const r = await smtplib({
      port,
      starttls: true,
      password: key,
      from: 'amelia@sakura.com',
      mail_options: ['SMTPUTF8'],
      to: ['ユーザー@example.net', 'user@bücher.example'],
      message: rfc822({ From: 'amelia@sakura.com', Subject: 'idn' }),
    });
    expect(r.rcpt?.[0]?.[0]).toBe(553);
    expect(r.rcpt?.[0]?.[1]).toMatch(/^5\.6\.7 /);
    expect(r.rcpt?.[1]?.[0]).toBe(250);
    expect(r.data?.[0]).toBe(250);
    const detail = await settled(t, /queued as (\S+)/.exec(r.data![1])![1]!);
    expect(detail.deliveries.map((d: { recipient: string }) => d.recipient)).toEqual([
      'user@xn--bcher-kva.example',
    ]);
  });

  it('accepts suppressed recipients and skips them, visible in the log', async () => {
    expect((await t.call('POST', '/api/v1/suppressions', { address: 'gone@example.net' })).status).toBe(201);
    const info = await transport(key).sendMail({
      from: 'amelia@sakura.com',
      to: ['gone@example.net', 'here@example.net'],
      subject: 'partly suppressed',
      text: 'x',
    });
    const id = /queued as (\S+)/.exec(info.response)![1]!;
    const detail = await settled(t, id);
    expect(
      Object.fromEntries(
        detail.deliveries.map((d: { recipient: string; status: string }) => [d.recipient, d.status]),
      ),
    ).toEqual({
      'gone@example.net': 'suppressed',
      'here@example.net': 'sent',
    });
    expect(t.logs.join('')).toMatch(/"event":"submission.suppressed_skipped".*gone@example.net/);
  });

  it("answers the plan's daily limit with a 4xx naming the limit and when it resets; nothing is queued", async () => {
    const count = async () =>
      Number(
        (
          await t.app.ctx.store.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const to = Array.from({ length: 45 }, (_, i) => `limit${i}@example.org`);
    const r = await smtplib({
      port,
      starttls: true,
      password: key,
      from: 'amelia@sakura.com',
      to,
      message: rfc822({ From: 'amelia@sakura.com', Subject: 'many' }),
    });
    expect(r.data?.[0]).toBe(452);
    expect(r.data?.[1]).toMatch(
      /^4\.7\.0 Daily limit reached: .*allows 40 emails a day.*resets at \d{4}-\d\d-\d\dT/,
    );
    expect(await count()).toBe(before);
  });

  it('lets every 250 through to the sink exactly once', async () => {
    await until(async () => {
      const rows = await t.app.ctx.store.db.selectFrom('deliveries').select('status').execute();
      return rows.every((r) => r.status !== 'queued' && r.status !== 'sending');
    });
    const ids = sink.received.messages.map((m) => /^X-Mailroute-Delivery: (\S+)/m.exec(m.toString())?.[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receivedBy('python@example.net').length).toBeGreaterThan(0);
  });
});

describe.each(dialects)('SMTP submission with the virus scanner unreachable on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, {
      MAILROUTE_SUBMISSION_PORT: '0',
      MAILROUTE_EHLO_NAME: 'localhost',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_CLAMD: `tcp://127.0.0.1:${await closedPort()}`,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 451 4.3.0 and queues nothing', async () => {
    const created = await t.call('POST', '/api/v1/api-keys', { name: 'crm', role: 'send' });
    const r = await smtplib({
      port: t.app.submission!.port,
      starttls: true,
      password: created.body.key,
      from: 'amelia@sakura.com',
      to: ['x@example.net'],
      message: rfc822({ From: 'amelia@sakura.com', Subject: 'scan me' }),
    });
    expect(r.data?.[0]).toBe(451);
    expect(r.data?.[1]).toMatch(/^4\.3\.0 the virus scanner is not available/);
  });
});
