import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { EICAR, EICAR_SIGNATURE, startClamd, type TestClamd } from '../helpers/clamd.js';
import { dialects } from '../helpers/databases.js';
import { settled } from '../helpers/delivery.js';
import { closedPort, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const clamd = await startClamd();
if (typeof clamd === 'string') console.warn(`antivirus tests against clamd skipped: ${clamd}`);

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

const message = (over: Record<string, unknown> = {}) => ({
  type: 'individual',
  from: 'amelia@sakura.com',
  to: ['scan@example.net'],
  subject: 'The report',
  text: 'Attached.',
  ...over,
});

async function startApp(dialect: (typeof dialects)[number], env: Record<string, string>) {
  const t = await startTestApp(dialect, { MAILROUTE_DOMAIN_VERIFICATION: 'off', ...env });
  await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  return t;
}

async function queued(t: TestApp): Promise<number> {
  const row = await t.app.ctx.store.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.skipIf(typeof clamd === 'string').each(dialects)('virus scanning with clamd on %s', (dialect) => {
  const scanner = clamd as TestClamd;
  let t: TestApp;
  let platform: TestSmtpServer;
  beforeAll(async () => {
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startApp(dialect, {
      MAILROUTE_CLAMD: scanner.tcp,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
  });

  it('accepts and sends a message whose attachments are clean', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      message({
        attachments: [
          { filename: 'report.pdf', contentType: 'application/pdf', content: b64('%PDF-1.4 clean') },
          { filename: 'notes.txt', contentType: 'text/plain', content: b64('nothing to see') },
        ],
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const detail = await settled(t, res.body.id);
    expect(detail.deliveries[0].status).toBe('sent');
  });

  it('refuses an infected attachment with 422 naming the signature and the field, and queues nothing', async () => {
    const before = await queued(t);
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      message({
        attachments: [
          { filename: 'fine.txt', contentType: 'text/plain', content: b64('fine') },
          { filename: 'eicar.com', contentType: 'application/octet-stream', content: b64(EICAR) },
        ],
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'unprocessable',
      fields: { 'attachments.1': `infected: ${EICAR_SIGNATURE}` },
      signatures: [EICAR_SIGNATURE],
    });
    expect(res.body.error.message).toContain('eicar.com');
    expect(res.body.error.message).toContain(EICAR_SIGNATURE);
    expect(await queued(t)).toBe(before);
    const usage = (await t.call('GET', '/api/v1/usage?days=1')).body.days[0];
    expect(usage.plan).toBe(1);
  });

  it('finds the test string inside a larger file sent in many chunks', async () => {
    const big = Buffer.concat([Buffer.alloc(300_000, 'a'), Buffer.from(EICAR), Buffer.alloc(1000, 'b')]);
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      message({ attachments: [{ filename: 'big.bin', content: b64(big) }] }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({ 'attachments.0': `infected: ${EICAR_SIGNATURE}` });
  });

  it('scans the text and HTML bodies too, of mass email as well', async () => {
    const text = await t.call('POST', '/api/v1/messages', message({ text: `see ${EICAR}` }));
    expect(text.status).toBe(422);
    expect(text.body.error.fields).toEqual({ text: `infected: ${EICAR_SIGNATURE}` });
    const mass = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'News',
      html: `<p>${EICAR}</p>`,
      recipients: [{ address: 'm@example.net' }],
    });
    expect(mass.status).toBe(422);
    expect(mass.body.error.fields).toEqual({ html: `infected: ${EICAR_SIGNATURE}` });
  });

  it("refuses an attachment larger than clamd's StreamMaxLength with 413", async () => {
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      message({ attachments: [{ filename: 'huge.bin', content: b64(Buffer.alloc(3 * 1024 * 1024, 'z')) }] }),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.fields).toEqual({ 'attachments.0': 'too large for the virus scanner' });
  });

  // The socket is about the scanner, not the store: once is enough (and a second app on the same
  // PostgreSQL database while the first runs trips the migrator's table lookup across schemas).
  it.runIf(dialect === 'sqlite')('speaks to clamd over its Unix socket as well', async () => {
    const u = await startApp(dialect, {
      MAILROUTE_CLAMD: scanner.socket,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
    try {
      const bad = await u.call(
        'POST',
        '/api/v1/messages',
        message({ attachments: [{ filename: 'x.com', content: b64(EICAR) }] }),
      );
      expect(bad.status).toBe(422);
      const good = await u.call(
        'POST',
        '/api/v1/messages',
        message({ attachments: [{ filename: 'x.txt', content: b64('ok') }] }),
      );
      expect(good.status).toBe(202);
    } finally {
      await u.close();
    }
  });

  afterAll(async () => {
    if (dialect === dialects.at(-1)) await scanner.close();
  });
});

describe.each(dialects)('virus scanner unavailable on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(dialect, {
      MAILROUTE_CLAMD: `tcp://127.0.0.1:${await closedPort()}`,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${await closedPort()}`,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the submission with 503 and queues nothing', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/messages',
      message({ attachments: [{ filename: 'a.txt', content: b64('clean') }] }),
    );
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(res.body.error.message).toMatch(/virus scanner is not available/);
    expect(await queued(t)).toBe(0);
    expect(t.logs.join('')).toContain('antivirus.unavailable');
  });
});
