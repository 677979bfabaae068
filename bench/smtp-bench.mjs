// `npm run bench -- --smtp`: SMTP in, SMTP out. The same 1 KB messages over 10 sessions into
// mailroute's submission port (AUTH with an API key, in clear from loopback) and out through a
// relay to the sink, then into a private Postfix relaying to the same sink. Postfix's smtp-source
// cannot authenticate, so both paths are driven by the same nodemailer pool (`pump`). When
// smtp-source is installed, Postfix is measured a second time driven by it (10 sessions kept open),
// the client the goal names: a lighter client leaves Postfix more of the two cores, so that ratio
// is the stricter one. Reports each path's end-to-end rate and CPU per message (mailroute's
// processes; Postfix's master with every daemon it ran).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { KEY, startMailroute } from './mailroute.mjs';
import { postfixReference } from './postfix-ref.mjs';
import { cpuSeconds, withChildren } from './proc.mjs';

const TICKS = 100;
/** CPU of a process with the children it has waited for (Postfix's master reaps its daemons). */
function cpuWithReaped(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}

async function pump({ port, n, body, auth, sink }) {
  const t = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: 10,
    maxMessages: Number.POSITIVE_INFINITY,
    ...(auth ? { auth } : {}),
  });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await t.sendMail({
        from: 'news@bench.example',
        to: `r${i}@example.net`,
        subject: 'benchmark',
        text: body,
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  t.close();
  return untilDelivered(t0, n, sink);
}

/** Rates from `t0`: submitted (now) and end to end (when the sink has all n). */
async function untilDelivered(t0, n, sink) {
  const submitted = performance.now();
  while (sink.count() < n) await new Promise((r) => setTimeout(r, 10));
  const done = performance.now();
  return { rate: n / ((done - t0) / 1000), submitRate: n / ((submitted - t0) / 1000) };
}

const SMTP_SOURCE = '/usr/sbin/smtp-source';

/**
 * Postfix's `smtp-source`: n messages with a `bytes` payload over 10 sessions, each kept open for
 * its next message (`-d`), every recipient numbered (`-N`).
 */
async function smtpSource({ port, n, bytes, sink }) {
  const t0 = performance.now();
  const args = ['-s', '10', '-d', '-m', String(n), '-l', String(bytes), '-N'];
  args.push('-f', 'news@bench.example', '-t', 'r@example.net', '-S', 'benchmark', `127.0.0.1:${port}`);
  await new Promise((resolve, reject) =>
    execFile(SMTP_SOURCE, args, (err, _out, stderr) =>
      err ? reject(new Error(`smtp-source: ${stderr}`)) : resolve(),
    ),
  );
  return untilDelivered(t0, n, sink);
}

/** One Postfix run driven by `send(port)`, with the CPU of Postfix's processes a message. */
async function viaPostfix(sink, n, body, send) {
  let cpuMs;
  const r = await postfixReference(sink, n, body, {
    send,
    onStarted: (dir) => {
      const pid = Number(readFileSync(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').trim());
      const before = withChildren(pid).reduce((a, p) => a + cpuWithReaped(p), 0);
      return () => {
        const after = withChildren(pid).reduce((a, p) => a + cpuWithReaped(p), 0);
        cpuMs = ((after - before) * 1000) / n;
      };
    },
  });
  return r && { ...r, cpuMs };
}

export async function benchSmtp(sink, n, body, fmt, { postfix = true, workers = 0 } = {}) {
  const mr = await startMailroute({ sinkPort: sink.port, workers, databaseUrl: process.env.DATABASE_URL });
  let viaMailroute;
  try {
    const domain = await mr.api('POST', '/api/v1/domains', { name: 'bench.example' });
    await mr.api('POST', '/api/v1/relays', {
      name: 'sink',
      host: '127.0.0.1',
      port: sink.port,
      security: 'none',
      dailyLimit: 10_000_000,
      domainId: domain.id,
      emailTypes: ['mass', 'workflow', 'individual'],
      dkimSigning: false,
      maxConnections: 10,
    });
    sink.reset();
    const pids = mr.pids.flatMap(withChildren);
    const cpu0 = pids.map(cpuSeconds);
    const r = await pump({ port: mr.submissionPort, n, body, auth: { user: 'bench', pass: KEY }, sink });
    const cpu = mr.pids.flatMap(withChildren).reduce((a, pid) => {
      const i = pids.indexOf(pid);
      return a + cpuSeconds(pid) - (i >= 0 ? cpu0[i] : 0);
    }, 0);
    viaMailroute = { ...r, cpuMs: (cpu * 1000) / n };
  } finally {
    await mr.stop();
  }
  sink.reset();
  const pf = postfix ? await viaPostfix(sink, n, body, (port) => pump({ port, n, body, sink })) : undefined;
  sink.reset();
  const bySource =
    postfix && existsSync(SMTP_SOURCE)
      ? await viaPostfix(sink, n, body, (port) => smtpSource({ port, n, bytes: body.length, sink }))
      : undefined;
  const line = (name, r) =>
    `${name}${fmt(r.rate)} msg/s end to end (submit ${fmt(r.submitRate)} msg/s)   CPU ${fmt(r.cpuMs ?? Number.NaN, 2)} ms/msg`;
  console.log('');
  console.log(line('nodemailer  → mailroute → sink   ', viaMailroute));
  if (pf)
    console.log(
      `${line('nodemailer  → postfix   → sink   ', pf)}   (mailroute / postfix = ${fmt(viaMailroute.rate / pf.rate, 2)})`,
    );
  else
    console.log(
      `postfix                           not measured (${postfix ? 'install Postfix: `apt-get install -y postfix`' : '--no-postfix'})`,
    );
  if (bySource)
    console.log(
      `${line('smtp-source → postfix   → sink   ', bySource)}   (mailroute / postfix = ${fmt(viaMailroute.rate / bySource.rate, 2)})`,
    );
}
