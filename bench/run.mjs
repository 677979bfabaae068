// `npm run bench`: mailroute's end-to-end throughput against references measured in the same run.
// Usage: npm run bench -- [--n 20000] [--batch 1000] [--personalized] [--dkim] [--queued 1000000]
//        [--workers 2] [--mass 100000] [--no-postfix] [--smtp]
// (--personalized: a {{name}} merge field per recipient in the subject and body; the references
// send the same personalized messages. --queued N: N deliveries wait in the queue before timing.)
// (--smtp: SMTP submission into mailroute vs Postfix, both to the sink: see smtp-bench.mjs; with
// --smtp, --workers adds `mailroute worker` processes and --no-postfix skips the reference.)
// (--shaping: first a run with MAILROUTE_SHARED_LIMITS=off, the limits of issue 21 per process, as the 'before'.)
// (DATABASE_URL=postgres://… runs mailroute on PostgreSQL; --workers adds `mailroute worker` processes.)
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { KEY, startMailroute } from './mailroute.mjs';
import { nodemailerReference } from './nodemailer-ref.mjs';
import { postfixReference } from './postfix-ref.mjs';
import { cpuSeconds, peakRssMb, withChildren } from './proc.mjs';
import { fillQueue } from './queue-fill.mjs';
import { startSink } from './sink.mjs';
import { benchSmtp } from './smtp-bench.mjs';

const { values: o } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    dkim: { type: 'boolean', default: false },
    personalized: { type: 'boolean', default: false },
    queued: { type: 'string', default: '0' },
    workers: { type: 'string', default: '0' },
    mass: { type: 'string', default: '0' },
    'no-postfix': { type: 'boolean', default: false },
    smtp: { type: 'boolean', default: false },
    shaping: { type: 'boolean', default: false },
  },
});
const N = Number(o.n);
const BATCH = Number(o.batch);
const BODY = `${'mailroute benchmark line of text. '.repeat(30)}\n`.slice(0, 1000);
const QUEUED = Number(o.queued);

/** What recipient i receives in a personalized run: the same text the merge fields make. */
const personal = (i) => ({ subject: `Hello Recipient ${i}`, text: `Dear Recipient ${i},\n${BODY}` });
const MESSAGE = o.personalized ? personal : undefined;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function benchMailroute(sink, extraEnv = {}) {
  const mr = await startMailroute({
    sinkPort: sink.port,
    workers: Number(o.workers),
    databaseUrl: process.env.DATABASE_URL,
    extraEnv,
  });
  try {
    const domain = await mr.api('POST', '/api/v1/domains', {
      name: 'bench.example',
      dkimAlgorithm: 'rsa-2048',
    });
    await mr.api('POST', '/api/v1/relays', {
      name: 'sink',
      host: '127.0.0.1',
      port: sink.port,
      security: 'none',
      dailyLimit: 10_000_000,
      domainId: domain.id,
      emailTypes: ['mass', 'workflow', 'individual'],
      dkimSigning: o.dkim,
      maxConnections: 10,
    });
    if (QUEUED > 0) await prefill(mr, sink);
    const submitted = new Map();
    const pids = mr.pids.flatMap(withChildren);
    const cpu0 = pids.map(cpuSeconds);
    const t0 = performance.now();
    for (let i = 0; i < N; i += BATCH) {
      const at = performance.now();
      // --personalized, as a CRM sends it: one merge field per recipient in the subject and the body.
      const recipients = Array.from({ length: Math.min(BATCH, N - i) }, (_, j) =>
        o.personalized
          ? { address: `r${i + j}@example.net`, fields: { name: `Recipient ${i + j}` } }
          : { address: `r${i + j}@example.net` },
      );
      const r = await mr.api('POST', '/api/v1/mass-emails', {
        from: 'news@bench.example',
        subject: o.personalized ? 'Hello {{name}}' : 'benchmark',
        text: o.personalized ? `Dear {{name}},\n${BODY}` : BODY,
        recipients,
      });
      submitted.set(r.id, at);
    }
    const tSubmitted = performance.now();
    while (sink.arrivals.size < N) await new Promise((r) => setTimeout(r, 20));
    const tDone = Math.max(...sink.arrivals.values());
    const cpu = pids.map(cpuSeconds).reduce((a, c, i) => a + c - cpu0[i], 0);
    const rss = Math.max(...pids.map(peakRssMb));
    const latencies = await deliveryLatencies(mr, submitted, sink);
    return {
      submitRate: N / ((tSubmitted - t0) / 1000),
      e2eRate: N / ((tDone - t0) / 1000),
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      cpu,
      rss,
    };
  } finally {
    await mr.stop();
  }
}

/** --queued: one delivery sent first (for its org and message), then the backlog copied from it. */
async function prefill(mr, sink) {
  await mr.api('POST', '/api/v1/mass-emails', {
    from: 'news@bench.example',
    subject: 'prefill',
    text: BODY,
    recipients: [{ address: 'prefill@example.net' }],
  });
  while (sink.arrivals.size < 1) await new Promise((r) => setTimeout(r, 20));
  const t = performance.now();
  await fillQueue({ dataDir: mr.dataDir, schemaUrl: mr.schemaUrl, n: QUEUED });
  console.log(
    `queued      ${fmt(QUEUED)} deferred deliveries in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );
  sink.reset();
}

/** Submit-to-sink latency per delivery: arrival time minus the start of its batch's request. */
async function deliveryLatencies(mr, submitted, sink) {
  const out = [];
  for (const [messageId, at] of submitted) {
    const detail = await mr.api('GET', `/api/v1/messages/${messageId}`);
    for (const d of detail.deliveries) {
      const arrived = sink.arrivals.get(d.id);
      if (arrived) out.push(arrived - at);
    }
  }
  return out.sort((a, b) => a - b);
}

async function benchMassAcceptance(sink, n) {
  const mr = await startMailroute({
    sinkPort: sink.port,
    databaseUrl: process.env.DATABASE_URL,
    concurrency: 1,
  });
  try {
    await mr.api('POST', '/api/v1/domains', { name: 'bench.example' });
    const recipients = Array.from({ length: n }, (_, i) => ({
      address: `m${i}@example.net`,
      fields: { name: `Recipient ${i}` },
    }));
    const body = Buffer.from(
      JSON.stringify({ from: 'news@bench.example', subject: 'Hello {{name}}', text: BODY, recipients }),
    );
    recipients.length = 0;
    const cpu0 = cpuSeconds(mr.pids[0]);
    const t0 = performance.now();
    // node:http rather than fetch: fetch gives up on an answer that takes over 5 minutes (a loaded machine).
    const r = await new Promise((resolve, reject) => {
      const req = request(
        `${mr.base}/api/v1/mass-emails`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            'content-length': body.length,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const json = JSON.parse(Buffer.concat(chunks).toString());
            if (res.statusCode === 202) resolve(json);
            else reject(new Error(`mass email: ${res.statusCode} ${JSON.stringify(json)}`));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(mr.pids[0]) - cpu0;
    return { accepted: r.accepted, seconds, cpu, rss: Math.max(...mr.pids.map(peakRssMb)) };
  } finally {
    await mr.stop();
  }
}

const sink = await startSink();
if (o.smtp) {
  console.log(
    `mailroute SMTP benchmark: ${fmt(N)} messages of 1 KB, 10 sessions, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, ${o.workers !== '0' ? `${1 + Number(o.workers)} processes` : `worker processes: ${process.env.MAILROUTE_WORKER_PROCESSES ?? 'the default'}`}`,
  );
  await benchSmtp(sink, N, BODY, fmt, { postfix: !o['no-postfix'], workers: Number(o.workers) });
  await sink.close();
  process.exit(0);
}
console.log(
  `mailroute benchmark: ${fmt(N)} ${o.personalized ? 'personalized' : 'identical'} messages of 1 KB, batches of ${BATCH}, ${QUEUED > 0 ? `${fmt(QUEUED)} queued before, ` : ''}${o.dkim ? 'DKIM RSA-2048' : 'no DKIM'}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, ${1 + Number(o.workers)} process(es)`,
);
// --shaping: off and on alternately, twice each, the best of each kept (a busy machine's noise
// hits one run, not both of a kind).
let before;
let mr;
for (const on of o.shaping ? [false, true, false, true] : [true]) {
  const r = await benchMailroute(sink, on ? {} : { MAILROUTE_SHARED_LIMITS: 'off' });
  sink.reset();
  if (on) mr = !mr || r.e2eRate > mr.e2eRate ? r : mr;
  else before = !before || r.e2eRate > before.e2eRate ? r : before;
}
const nm = await nodemailerReference(sink, N, BODY, MESSAGE);
sink.reset();
const pf = o['no-postfix'] ? undefined : await postfixReference(sink, N, BODY, {}, MESSAGE);
console.log('');
console.log(
  `mailroute   submit ${fmt(mr.submitRate)} msg/s   end to end ${fmt(mr.e2eRate)} msg/s   p50 ${fmt(mr.p50)} ms   p99 ${fmt(mr.p99)} ms   CPU ${fmt(mr.cpu, 1)} s   peak RSS ${fmt(mr.rss)} MB`,
);
if (before)
  console.log(
    `shared limits off (before issue 21's limits): end to end ${fmt(before.e2eRate)} msg/s   CPU ${fmt(before.cpu, 1)} s   (on / off = ${fmt(mr.e2eRate / before.e2eRate, 2)})`,
  );
console.log(
  `nodemailer  pool straight to the sink: ${fmt(nm.rate)} msg/s   (mailroute / nodemailer = ${fmt(mr.e2eRate / nm.rate, 2)})`,
);
if (pf)
  console.log(
    `postfix     relay to the sink: ${fmt(pf.rate)} msg/s   (mailroute / postfix = ${fmt(mr.e2eRate / pf.rate, 2)})`,
  );
else
  console.log(
    'postfix     not measured (install it with `apt-get install -y postfix`, or drop --no-postfix)',
  );
if (Number(o.mass) > 0) {
  const m = await benchMassAcceptance(sink, Number(o.mass));
  console.log(
    `mass email  ${fmt(m.accepted)} recipients accepted in ${fmt(m.seconds, 2)} s (mailroute CPU ${fmt(m.cpu, 1)} s), peak RSS ${fmt(m.rss)} MB`,
  );
}
await sink.close();
