/**
 * Postfix from Debian as an application's MTA relaying into mailroute's submission port (relayhost,
 * SASL with an API key, TLS required): 500 messages through Postfix into mailroute and out to a
 * loopback sink. All 500 arrive, none twice. Skipped, saying why, without Postfix.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startPostfix, type TestPostfix } from '../helpers/postfix.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const N = 500;

describe('Postfix relaying into the submission port', () => {
  let t: TestApp;
  let sink: TestSmtpServer;
  let postfix: TestPostfix | undefined;
  let skip: string | undefined;

  beforeAll(async () => {
    sink = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp('sqlite', {
      MAILROUTE_SUBMISSION_PORT: '0',
      MAILROUTE_EHLO_NAME: 'localhost',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'big', dailyLimit: 100_000, maxDomains: 2, maxRelaysPerDomain: 1 }),
      MAILROUTE_DEFAULT_PLAN: 'big',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    const key = (await t.call('POST', '/api/v1/api-keys', { name: 'postfix', role: 'send' })).body
      .key as string;
    const started = await startPostfix({
      relayPort: t.app.submission!.port!,
      sasl: { username: 'postfix-client', password: key },
      tls: 'encrypt',
    });
    if ('skip' in started) {
      skip = started.skip;
      console.warn(`Postfix client test skipped: ${skip}`);
    } else postfix = started.postfix;
  }, 60_000);
  afterAll(async () => {
    await postfix?.close();
    await t?.close();
    await sink?.close();
  });

  it(`carries ${N} messages through Postfix and mailroute to the sink, each once`, async (c) => {
    if (!postfix) return c.skip();
    const client = nodemailer.createTransport({
      pool: true,
      host: '127.0.0.1',
      port: postfix.port,
      ignoreTLS: true,
      maxConnections: 10,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    let next = 0;
    const send = async () => {
      while (next < N) {
        const i = next++;
        await client.sendMail({
          from: 'amelia@sakura.com',
          to: `r${i}@example.net`,
          subject: `through postfix ${i}`,
          text: `message ${i}`,
        });
      }
    };
    await Promise.all(Array.from({ length: 20 }, send));
    client.close();
    const numbers = () =>
      sink.received.messages.map((m) =>
        Number(/^Subject: through postfix (\d+)/m.exec(m.toString())?.[1] ?? -1),
      );
    await until(async () => numbers().length >= N, 120_000, `${N} messages at the sink`).catch((err) => {
      throw new Error(`${err.message}; got ${numbers().length}\n${postfix!.log().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    const got = numbers();
    expect(got).toHaveLength(N);
    expect(new Set(got).size).toBe(N);
    expect(Math.min(...got)).toBe(0);
    expect(Math.max(...got)).toBe(N - 1);
    expect(postfix.log()).toMatch(/status=sent .*250 2\.0\.0 Ok: queued as msg_/);
    const logged = t.logs.join('').match(/"event":"submission.accepted"/g) ?? [];
    expect(logged.length).toBeGreaterThan(0);
  }, 180_000);
});
