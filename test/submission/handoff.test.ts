/**
 * The submission port's intake hands what it queued to the worker of its own process, without the
 * worker claiming it back (issue 18's throughput): each delivery is written leased to the worker in
 * the intake's transaction, a relay's cap still holds exactly, every delivery is sent once, and a
 * worker that may have older mail to claim, or has no free slot, leaves new mail to the queue.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { Worker } from '../../src/delivery/worker.js';
import type { TakerSlots } from '../../src/events.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { deliveriesIn, until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { stopWorker } from '../helpers/stop.js';

const N = 24;

describe.each(dialects)('intake handing deliveries to its worker on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let platform: TestSmtpServer;
  let port: number;
  let handed = 0;

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_SUBMISSION_PORT: '0',
      MAILROUTE_EHLO_NAME: 'localhost',
      // Taken over whatever the number of worker processes: on PostgreSQL `start` runs beside
      // worker processes of its own by default, and its intake still hands mail to its own worker.
      MAILROUTE_WORKER_PROCESSES: dialect === 'postgres' ? '2' : '1',
      MAILROUTE_WORKER_CONCURRENCY: '8',
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'some', dailyLimit: 1000, maxDomains: 2, maxRelaysPerDomain: 2 }),
      MAILROUTE_DEFAULT_PLAN: 'some',
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    port = t.app.submission!.port!;
    const domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const r = await t.call('POST', '/api/v1/relays', {
      name: 'capped',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 3,
      domainId,
      emailTypes: ['individual'],
    });
    expect(r.status).toBe(201);
    // Count what the intake hands over, without changing it.
    const worker = t.app.worker!;
    const reserve = worker.reserve.bind(worker);
    worker.reserve = (n: number) => {
      const slots = reserve(n);
      if (!slots) return slots;
      return {
        ...slots,
        owner: slots.owner,
        n: slots.n,
        leaseMs: slots.leaseMs,
        start: (list) => {
          handed += list.length;
          slots.start(list);
        },
        cancel: () => slots.cancel(),
      } satisfies TakerSlots;
    };
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
    await platform?.close();
  });

  it(`sends ${N} messages taken over SMTP each once, most without a claim, and keeps a relay capped at 3 to 3`, async () => {
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 6,
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'crm', pass: 'test-admin-key-0123456789' },
    });
    try {
      await Promise.all(
        Array.from({ length: N }, (_, i) =>
          transport.sendMail({
            from: 'amelia@sakura.com',
            to: `h${i}@example.net`,
            subject: `handed ${i}`,
            text: 'x',
          }),
        ),
      );
    } finally {
      transport.close();
    }
    const rows = await until(
      async () => {
        const all = await t.app.ctx.store.db
          .selectFrom('deliveries')
          .select(['id', 'status', 'route', 'lease_owner'])
          .where('recipient', 'like', 'h%@example.net')
          .execute();
        return all.length === N && all.every((d) => d.status === 'sent') ? all : undefined;
      },
      30_000,
      'every delivery sent',
    );
    // A result is written only by the worker holding the lease: each was leased to it, and let go.
    expect(rows.every((d) => d.lease_owner === null)).toBe(true);
    expect(t.logs.join('')).not.toContain('delivery.lease_lost');
    expect(handed).toBeGreaterThan(0);
    const viaRelay = deliveriesIn(relay);
    const viaPlatform = deliveriesIn(platform);
    expect(viaRelay).toHaveLength(3);
    expect(viaPlatform).toHaveLength(N - 3);
    const ids = [...viaRelay, ...viaPlatform];
    expect(new Set(ids).size).toBe(N);
    expect(new Set(ids)).toEqual(new Set(rows.map((d) => d.id)));
  });

  it('holds no more slots than it has free, none while it may have older mail, and none once stopped', async () => {
    // A second worker in this process (it is offered to intake in place of the app's, the last test).
    const w = new Worker(t.app.ctx, { concurrency: 4, pollMs: 60_000, classifyBounce: classify });
    await w.start();
    // Its first claim finds nothing: from then on it offers slots.
    const first = await until(async () => w.reserve(10));
    expect(first.n).toBe(4);
    expect(w.reserve(1)).toBeUndefined();
    first.cancel();
    first.cancel(); // once only
    const two = w.reserve(2)!;
    expect(two.n).toBe(2);
    const rest = w.reserve(5)!;
    expect(rest.n).toBe(2);
    two.start([]);
    // Mail queued in this process: the worker claims before it takes more from intake.
    t.app.ctx.events.queued();
    expect(w.reserve(1)).toBeUndefined();
    // Stopping, it offers none, and waits for the slots still held to be given back.
    let stopped = false;
    const stopping = stopWorker(w).then(() => {
      stopped = true;
    });
    expect(w.reserve(1)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    rest.cancel();
    await stopping;
    expect(stopped).toBe(true);
  });
});
