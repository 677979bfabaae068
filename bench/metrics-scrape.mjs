// How long one `/metrics` scrape takes on a large database: fills a fresh database with
// deliveries (one attempt each, a bounce for one in forty) and times the scrape's database read
// and the whole exposition. Needs a build (`npx tsc -p tsconfig.build.json`).
// Usage: node bench/metrics-scrape.mjs [--n 200000] [--runs 10]
// (DATABASE_URL=postgres://… measures PostgreSQL; otherwise SQLite in a temporary directory.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../dist/config/load.js';
import { newId } from '../dist/domain/ids.js';
import { createLogger } from '../dist/log.js';
import { openContext } from '../dist/main.js';
import { createMetrics } from '../dist/metrics/registry.js';
import { readSnapshot } from '../dist/metrics/snapshot.js';
import { bootstrap } from '../dist/services/orgs.js';

const { values: o } = parseArgs({
  options: { n: { type: 'string', default: '200000' }, runs: { type: 'string', default: '10' } },
});
const N = Number(o.n);
const RUNS = Number(o.runs);
const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-metrics-bench-'));
const config = loadConfig({
  MAILROUTE_DATA_DIR: dataDir,
  MAILROUTE_LOG_LEVEL: 'silent',
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
const ctx = await openContext(config, { log: createLogger('silent') });
await bootstrap(ctx);
const org = await ctx.store.db.selectFrom('orgs').select('id').executeTakeFirstOrThrow();
const now = Date.now();
const statuses = ['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'bounced', 'deferred', 'failed', 'queued'];
const types = ['workflow', 'mass', 'individual'];
const relays = ['rly_a', 'rly_b', 'rly_c', 'platform'];

const started = performance.now();
const CHUNK = 500;
for (let m = 0; m < N; m += 1000) {
  await ctx.store.db.transaction().execute(async (trx) => {
    const messageId = newId('msg');
    const type = types[(m / 1000) % types.length];
    await trx
      .insertInto('messages')
      .values({
        id: messageId,
        org_id: org.id,
        type,
        from_address: 'news@bench.example',
        from_domain: 'bench.example',
        subject: 'bench',
        content: '{}',
        metadata: null,
        size: 100,
        recipient_count: 1000,
        submitted_by: 'bench',
        created_at: now - (N - m) * 1000,
      })
      .execute();
    for (let c = 0; c < 1000 && m + c < N; c += CHUNK) {
      const rows = [];
      const attempts = [];
      const bounces = [];
      for (let i = c; i < c + CHUNK && m + i < N; i++) {
        const k = m + i;
        const status = statuses[k % statuses.length];
        const route = status === 'queued' ? null : relays[k % relays.length];
        const id = newId('dlv');
        const at = now - (N - k) * 1000;
        rows.push({
          id,
          org_id: org.id,
          message_id: messageId,
          recipient: `r${k}@example.net`,
          recipient_domain: 'example.net',
          type,
          priority: 2,
          status,
          route,
          relay_id: route && route !== 'platform' ? route : null,
          attempts: route ? 1 : 0,
          next_attempt_at: at,
          lease_until: null,
          lease_owner: null,
          personalization: null,
          relays_tried: null,
          slowdowns: 0,
          last_status: null,
          last_reply: null,
          created_at: at,
          updated_at: at,
          sent_at: status === 'sent' ? at : null,
          return_path_kind: null,
        });
        if (route)
          attempts.push({
            id: newId('att'),
            org_id: org.id,
            delivery_id: id,
            at,
            route,
            relay_id: route === 'platform' ? null : route,
            host: '127.0.0.1:25',
            action: status === 'deferred' ? 'defer' : 'sent',
            status: '2.0.0',
            reply: '250 ok',
            rule_id: null,
            duration_ms: (k * 37) % 3000,
          });
        if (k % 40 === 0)
          bounces.push({
            id: newId('bnc'),
            org_id: org.id,
            delivery_id: id,
            message_id: messageId,
            recipient: '',
            status: '5.1.1',
            action: 'failed',
            diagnostic_code: '',
            class: k % 80 === 0 ? 'hard' : 'soft',
            source: 'api',
            feedback_type: null,
            created_at: at,
          });
      }
      await trx.insertInto('deliveries').values(rows).execute();
      if (attempts.length) await trx.insertInto('attempts').values(attempts).execute();
      if (bounces.length) await trx.insertInto('bounces').values(bounces).execute();
    }
  });
}
console.log(
  `filled ${N.toLocaleString('en')} deliveries in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const metrics = createMetrics(ctx);
const time = async (what, f) => {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${what}: median ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms, min ${ms[0].toFixed(1)} ms, max ${ms.at(-1).toFixed(1)} ms (${RUNS} runs, ${ctx.store.dialect})`,
  );
};
await time('database snapshot', () => readSnapshot(ctx.store.db, Date.now()));
const snap = await readSnapshot(ctx.store.db, Date.now());
const sum = (rows) => rows.reduce((n, r) => n + r.count, 0);
console.log(
  `in the scrape: ${sum(snap.deliveries)} deliveries of the last hour, ${sum(snap.queue)} in the queue, ${sum(snap.bounces)} bounces`,
);
let bytes = 0;
await time('whole scrape', async () => {
  bytes = (await metrics.render()).length;
});
console.log(`exposition: ${bytes} bytes`);
await ctx.store.close();
if (process.env.BENCH_KEEP) console.log(`kept ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });
