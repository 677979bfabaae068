// Reference: Postfix from Debian (`apt-get install -y postfix`; choose "No configuration") run as
// a private instance in a temporary directory, relaying the same messages to the same sink with
// the same 10 connections. Skipped when Postfix is not installed.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendAll } from './smtp-load.mjs';

const POSTFIX = '/usr/sbin/postfix';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const services = [
  ['pickup', 'unix', 'n', '-', 'n', '60', '1', 'pickup'],
  ['cleanup', 'unix', 'n', '-', 'n', '-', '0', 'cleanup'],
  ['qmgr', 'unix', 'n', '-', 'n', '300', '1', 'qmgr'],
  ['tlsmgr', 'unix', '-', '-', 'n', '1000?', '1', 'tlsmgr'],
  ['rewrite', 'unix', '-', '-', 'n', '-', '-', 'trivial-rewrite'],
  ['bounce', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['defer', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['trace', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['verify', 'unix', '-', '-', 'n', '-', '1', 'verify'],
  ['flush', 'unix', 'n', '-', 'n', '1000?', '0', 'flush'],
  ['proxymap', 'unix', '-', '-', 'n', '-', '-', 'proxymap'],
  ['proxywrite', 'unix', '-', '-', 'n', '-', '1', 'proxymap'],
  ['smtp', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
  ['relay', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
  ['showq', 'unix', 'n', '-', 'n', '-', '-', 'showq'],
  ['error', 'unix', '-', '-', 'n', '-', '-', 'error'],
  ['retry', 'unix', '-', '-', 'n', '-', '-', 'error'],
  ['discard', 'unix', '-', '-', 'n', '-', '-', 'discard'],
  ['anvil', 'unix', '-', '-', 'n', '-', '1', 'anvil'],
  ['scache', 'unix', '-', '-', 'n', '-', '1', 'scache'],
  ['postlog', 'unix-dgram', 'n', '-', 'n', '-', '1', 'postlogd'],
];

function configure(dir, smtpdPort, sinkPort) {
  const main = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'queue'),
    data_directory: join(dir, 'data'),
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    myhostname: 'bench.localdomain',
    mydestination: '',
    mynetworks: '127.0.0.0/8',
    relayhost: `[127.0.0.1]:${sinkPort}`,
    smtpd_relay_restrictions: 'permit_mynetworks, reject',
    smtp_tls_security_level: 'none',
    smtpd_tls_security_level: 'none',
    default_destination_concurrency_limit: '10',
    maillog_file: join(dir, 'maillog'),
    maillog_file_prefixes: dir,
    alias_maps: '',
    alias_database: '',
  };
  writeFileSync(
    join(dir, 'main.cf'),
    `${Object.entries(main)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n')}\n`,
  );
  const lines = [`127.0.0.1:${smtpdPort} inet n - n - - smtpd`, ...services.map((s) => s.join(' '))];
  writeFileSync(join(dir, 'master.cf'), `${lines.join('\n')}\n`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'queue'), { recursive: true });
}

export async function postfixReference(sink, n, body, hooks = {}, message = undefined) {
  if (!existsSync(POSTFIX)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-postfix-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  configure(dir, port, sink.port);
  const run = (...args) => execFileSync(POSTFIX, ['-c', dir, ...args], { stdio: 'pipe' });
  try {
    execFileSync('chown', ['postfix', join(dir, 'data')]);
    run('check');
    run('start');
    for (let i = 0; i < 100; i++) {
      const open = await new Promise((resolve) => {
        const s = createServer()
          .once('error', () => resolve(true))
          .listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
      });
      if (open) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = hooks.onStarted?.(dir);
    const r = hooks.send
      ? await hooks.send(port)
      : await sendAll({ port, n, body, tag: 'pf', sink, message });
    stopped?.();
    return r;
  } finally {
    try {
      run('stop');
    } catch {}
    if (!process.env.BENCH_KEEP_POSTFIX) rmSync(dir, { recursive: true, force: true });
  }
}
