import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { Worker } from '../../src/delivery/worker.js';
import { createLogger } from '../../src/log.js';
import { type App, createApp } from '../../src/main.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { until } from '../helpers/delivery.js';
import { plansFile } from '../helpers/plans.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';
import { closeApp, stopWorker } from '../helpers/stop.js';

/**
 * Counts every statement Kysely sends (inside transactions too); BEGIN and COMMIT are not counted.
 * A statement is counted when its result comes back: a subquery (the claim's choice of rows, the
 * list of disabled orgs) goes through `transformQuery` too, but is part of its statement.
 */
const kindOf = (n: unknown) => {
  const node = n as Record<string, any>;
  const table =
    node.table?.table?.identifier?.name ??
    node.into?.table?.identifier?.name ??
    node.from?.froms?.[0]?.table?.identifier?.name ??
    '?';
  return `${node.kind}:${table}`;
};

function statementCounter(): KyselyPlugin & {
  n: number;
  kinds: Map<string, number>;
  count(node: unknown): void;
} {
  const pending = new Map<unknown, string>();
  return {
    n: 0,
    kinds: new Map(),
    /** A query compiled once and run again (`store/reusable-query.ts`) passes no plugin: counted here. */
    count(node) {
      const k = kindOf(node);
      this.n++;
      this.kinds.set(k, (this.kinds.get(k) ?? 0) + 1);
    },
    transformQuery(args) {
      pending.set(args.queryId, kindOf(args.node));
      return args.node;
    },
    async transformResult(args) {
      const k = pending.get(args.queryId);
      if (k !== undefined) {
        pending.delete(args.queryId);
        this.n++;
        this.kinds.set(k, (this.kinds.get(k) ?? 0) + 1);
      }
      return args.result;
    },
  };
}

const N = 200;

/**
 * What routing costs the database: statements per delivery for N deliveries through a healthy
 * relay, counted in a worker process of its own (intake runs in another). The breaker's truth is
 * read from the database once per claimed batch, not once per delivery, and a success's reset of
 * the failure count is one statement per commit. With a busy worker the figure depends on how
 * deliveries happen to batch (about 1 to 2.5 per delivery); one delivery at a time it is exact.
 */
describe.each(dialects)('database statements per delivery on %s', (dialect) => {
  let t: TestApp;
  let relay: TestSmtpServer;
  let domainId: string;
  const workers: App[] = [];

  beforeAll(async () => {
    relay = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PLANS: plansFile({ name: 'wide', dailyLimit: 10_000, maxDomains: 1, maxRelaysPerDomain: 3 }),
      MAILROUTE_DEFAULT_PLAN: 'wide',
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    await stopWorker(t.app.worker!);
    domainId = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
    const r = await t.call('POST', '/api/v1/relays', {
      name: 'healthy',
      host: '127.0.0.1',
      port: relay.port,
      security: 'none',
      dailyLimit: 5000,
      domainId,
      emailTypes: ['mass'],
    });
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    for (const w of workers) await closeApp(w);
    await t.close();
    await relay.close();
  });

  const measure = async (concurrency: number) => {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'count',
      text: 'x',
      recipients: Array.from({ length: N }, (_, i) => ({ address: `c${concurrency}-${i}@example.net` })),
    });
    expect(res.body.accepted).toBe(N);
    const app = await createApp(t.app.ctx.config, {
      http: false,
      worker: false,
      clock: t.clock,
      log: createLogger('silent'),
    });
    workers.push(app);
    const counter = statementCounter();
    const counting = app.ctx.store.db.withPlugin(counter);
    const execute = counting.executeQuery.bind(counting);
    counting.executeQuery = ((q, id) => {
      if ('sql' in q) counter.count(q.query);
      return execute(q, id);
    }) as typeof counting.executeQuery;
    app.ctx.store.db = counting;
    const worker = new Worker(app.ctx, { concurrency, pollMs: 60_000, classifyBounce: classify });
    await worker.start();
    await until(
      async () => {
        const open = await t.app.ctx.store.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('message_id', '=', res.body.id)
          .where('status', '!=', 'sent')
          .executeTakeFirstOrThrow();
        return Number(open.n) === 0;
      },
      60_000,
      'every delivery sent',
    );
    const counted = counter.n;
    await stopWorker(worker);
    const sent = await t.app.ctx.store.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('message_id', '=', res.body.id)
      .where('route', '!=', 'platform')
      .executeTakeFirstOrThrow();
    expect(Number(sent.n)).toBe(N);
    const perDelivery = counted / N;
    const kind = (k: string) => counter.kinds.get(k) ?? 0;
    const claims = kind('UpdateQueryNode:deliveries');
    const commits = kind('InsertQueryNode:attempts');
    const relayReads = kind('SelectQueryNode:relays');
    const resets = kind('UpdateQueryNode:relays');
    console.log(
      `[statements] ${dialect} concurrency ${concurrency}: ${counted} for ${N} deliveries = ${perDelivery.toFixed(2)} per delivery (${claims} claims, ${commits} commits, ${relayReads} relay reads, ${resets} failure-count resets)`,
    );
    // The relays' state is read once per claimed batch (one org here), never once per delivery, and
    // a success's reset is one statement per commit, whatever the number of deliveries in it.
    expect(relayReads).toBeLessThanOrEqual(claims);
    expect(resets).toBeLessThanOrEqual(commits);
    return perDelivery;
  };

  it(`stays low with a busy worker (concurrency 32, ${N} deliveries through a relay)`, async () => {
    expect(await measure(32)).toBeLessThan(4);
  }, 90_000);

  it(`stays bounded with a worker that takes one delivery at a time (${N} deliveries)`, async () => {
    // One more than before issue 21: a claim asks for due retries and then for fresh mail (two
    // statements when no retry is due), so that a failing destination never starves fresh mail.
    expect(await measure(1)).toBeLessThan(9);
  }, 90_000);
});
