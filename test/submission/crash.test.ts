/**
 * kill -9 of mailroute while an application submits over SMTP: every message that got its 250 is
 * delivered after the restart (the 250 goes out only once the message is durable). Messages the
 * client did not get a 250 for may or may not arrive; none that did is lost.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../helpers/cli.js';
import { createTestDatabase, dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { freePort } from '../helpers/postfix.js';
import { startSmtpServer } from '../helpers/smtp-servers.js';

const KEY = 'submission-crash-admin-key-0123';

describe.each(dialects)('mailroute killed while a client submits over SMTP, on %s', (dialect) => {
  it('delivers every message that got a 250 after the restart', async () => {
    const database = await createTestDatabase(dialect);
    const sink = await startSmtpServer({ mode: 'plain' });
    const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-smtp-crash-'));
    const plans = join(dataDir, 'plans.json');
    writeFileSync(
      plans,
      JSON.stringify([{ name: 'large', dailyLimit: 100_000, maxDomains: 5, maxRelaysPerDomain: 3 }]),
    );
    const httpPort = await freePort();
    const submissionPort = await freePort();
    const env = {
      MAILROUTE_DATA_DIR: dataDir,
      MAILROUTE_PLANS: plans,
      MAILROUTE_DEFAULT_PLAN: 'large',
      MAILROUTE_HTTP_PORT: String(httpPort),
      MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
      MAILROUTE_SUBMISSION_PORT: String(submissionPort),
      MAILROUTE_EHLO_NAME: 'localhost',
      MAILROUTE_BOOTSTRAP_API_KEY: KEY,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sink.port}`,
      MAILROUTE_LOG_LEVEL: 'warn',
      MAILROUTE_WORKER_PROCESSES: '1',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    };
    const ready = () =>
      waitFor(async () => ((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok ? true : undefined));
    let proc = startCli(['start'], env);
    const acknowledged = new Set<number>();
    try {
      await ready();
      const domain = await fetch(`http://127.0.0.1:${httpPort}/api/v1/domains`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sakura.com' }),
      });
      expect(domain.status).toBe(201);
      const client = nodemailer.createTransport({
        pool: true,
        host: '127.0.0.1',
        port: submissionPort,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'app', pass: KEY },
        maxConnections: 4,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      let stop = false;
      let next = 0;
      const send = async () => {
        while (!stop) {
          const i = next++;
          try {
            const info = await client.sendMail({
              from: 'amelia@sakura.com',
              to: `r${i}@example.net`,
              subject: `kill ${i}`,
              text: `message ${i}`,
            });
            if (/^250 /.test(info.response)) acknowledged.add(i);
          } catch {
            if (stop) return;
          }
        }
      };
      const senders = Promise.all(Array.from({ length: 8 }, send));
      await until(async () => acknowledged.size >= 150, 60_000, '150 messages acknowledged');
      proc.child.kill('SIGKILL');
      await proc.exited;
      const atKill = new Set(acknowledged);
      stop = true;
      client.close();
      await senders;
      expect(acknowledged.size).toBeGreaterThanOrEqual(atKill.size);

      proc = startCli(['start'], env);
      await ready();
      const arrived = () =>
        new Set(
          sink.received.messages.map((m) => Number(/^Subject: kill (\d+)/m.exec(m.toString())?.[1] ?? -1)),
        );
      await until(
        async () => [...acknowledged].every((i) => arrived().has(i)),
        120_000,
        'every acknowledged message at the sink',
      ).catch((err) => {
        const missing = [...acknowledged].filter((i) => !arrived().has(i));
        throw new Error(`${err.message}: ${missing.length} missing, e.g. ${missing.slice(0, 10).join(', ')}`);
      });
      console.log(
        `SMTP crash test: ${acknowledged.size} messages acknowledged, all delivered after the restart (${arrived().size} arrived in all)`,
      );
    } finally {
      proc.child.kill('SIGKILL');
      await sink.close();
      await database.drop();
    }
  }, 240_000);
});
