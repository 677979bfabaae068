// Starts mailroute (and extra workers) as separate processes for the benchmark, on a fresh data
// directory, with a plan large enough for the run and a relay that points at the sink.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/mailroute', import.meta.url).pathname;
export const KEY = 'bench-admin-key-0123456789';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A fresh PostgreSQL schema for one run, so runs never see each other's data. */
async function freshSchema(url) {
  const { default: pg } = await import('pg');
  const schema = `mailroute_bench_${Date.now()}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: url });
      await d.connect();
      await d.query(`drop schema ${schema} cascade`);
      await d.end();
    },
  };
}

export async function startMailroute({
  sinkPort,
  workers = 0,
  databaseUrl,
  concurrency = 64,
  extraEnv = {},
}) {
  const schema = databaseUrl ? await freshSchema(databaseUrl) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-bench-'));
  const plans = join(dir, 'plans.json');
  writeFileSync(
    plans,
    JSON.stringify([{ name: 'bench', dailyLimit: 10_000_000, maxDomains: 5, maxRelaysPerDomain: 5 }]),
  );
  const port = await freePort();
  const submissionPort = await freePort();
  const bouncePort = await freePort();
  const env = {
    PATH: process.env.PATH,
    MAILROUTE_DATA_DIR: dir,
    MAILROUTE_HTTP_PORT: String(port),
    MAILROUTE_SUBMISSION_PORT: String(submissionPort),
    MAILROUTE_BOUNCE_SMTP_PORT: String(bouncePort),
    MAILROUTE_BOUNCE_SMTP_HOST: '127.0.0.1',
    MAILROUTE_EHLO_NAME: 'localhost',
    MAILROUTE_BOOTSTRAP_API_KEY: KEY,
    MAILROUTE_PLANS: plans,
    MAILROUTE_DEFAULT_PLAN: 'bench',
    MAILROUTE_DOMAIN_VERIFICATION: 'off',
    MAILROUTE_RELAY_PORTS: 'any',
    MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${sinkPort}`,
    MAILROUTE_WORKER_CONCURRENCY: String(concurrency),
    MAILROUTE_LOG_LEVEL: 'warn',
    ...extraEnv,
    // With --workers, the extra processes are the `mailroute worker`s started below, and `start`
    // delivers in its own process only; without, `start` forks as many as its default says.
    ...(workers > 0 ? { MAILROUTE_WORKER_PROCESSES: '1' } : {}),
    ...(schema ? { DATABASE_URL: schema.url } : {}),
    ...(process.env.MR_SQL_PROF ? { MR_SQL_PROF: process.env.MR_SQL_PROF } : {}),
    // MAILROUTE_WORKER_PROCESSES=N in the benchmark's environment sets `start`'s own default.
    ...(process.env.MAILROUTE_WORKER_PROCESSES && workers === 0
      ? { MAILROUTE_WORKER_PROCESSES: process.env.MAILROUTE_WORKER_PROCESSES }
      : {}),
  };
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const procs = [
    spawn(process.execPath, [...nodeArgs, BIN, 'start'], {
      env,
      stdio: ['ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore', 'inherit'],
    }),
  ];
  const base = `http://127.0.0.1:${port}`;
  // Up to a minute: on a busy machine the first start (migrations) can take a while.
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < workers; i++)
    procs.push(
      spawn(process.execPath, [BIN, 'worker'], {
        env,
        stdio: ['ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore', 'inherit'],
      }),
    );
  const api = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    api,
    base,
    submissionPort,
    dataDir: dir,
    schemaUrl: schema?.url,
    pids: procs.map((p) => p.pid),
    async stop() {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)))));
      await schema?.drop();
    },
  };
}
