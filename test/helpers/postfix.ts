/**
 * A private Postfix from Debian (/usr/sbin/postfix) in a temporary directory of its own
 * (config_directory and queue_directory), listening on a loopback port and relaying everything to
 * one relay host, as an application's local MTA pointed at mailroute would: SASL and TLS on demand.
 * The same approach as bench/postfix-ref.mjs. `startPostfix` answers `{ skip }` without Postfix.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POSTFIX = '/usr/sbin/postfix';

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

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface TestPostfix {
  port: number;
  dir: string;
  log(): string;
  close(): Promise<void>;
}

export interface PostfixOptions {
  relayPort: number;
  /** SASL user name and password for the relay host. */
  sasl?: { username: string; password: string };
  /** smtp_tls_security_level (default none). */
  tls?: 'none' | 'may' | 'encrypt';
  concurrency?: number;
}

export async function startPostfix(o: PostfixOptions): Promise<{ postfix: TestPostfix } | { skip: string }> {
  if (!existsSync(POSTFIX)) return { skip: `${POSTFIX} is not installed` };
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-postfix-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const main: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: join(dir, 'queue'),
    data_directory: join(dir, 'data'),
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    myhostname: 'client.localdomain',
    mydestination: '',
    mynetworks: '127.0.0.0/8',
    relayhost: `[127.0.0.1]:${o.relayPort}`,
    smtpd_relay_restrictions: 'permit_mynetworks, reject',
    smtpd_tls_security_level: 'none',
    smtp_tls_security_level: o.tls ?? 'none',
    default_destination_concurrency_limit: String(o.concurrency ?? 10),
    maillog_file: join(dir, 'maillog'),
    maillog_file_prefixes: dir,
    alias_maps: '',
    alias_database: '',
    ...(o.sasl
      ? {
          smtp_sasl_auth_enable: 'yes',
          smtp_sasl_password_maps: `static:${o.sasl.username}:${o.sasl.password}`,
          smtp_sasl_security_options: 'noanonymous',
          smtp_sasl_tls_security_options: 'noanonymous',
        }
      : {}),
  };
  writeFileSync(
    join(dir, 'main.cf'),
    `${Object.entries(main)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n')}\n`,
  );
  const lines = [`127.0.0.1:${port} inet n - n - - smtpd`, ...services.map((s) => s.join(' '))];
  writeFileSync(join(dir, 'master.cf'), `${lines.join('\n')}\n`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'queue'), { recursive: true });
  const run = (...args: string[]) => execFileSync(POSTFIX, ['-c', dir, ...args], { stdio: 'pipe' });
  try {
    execFileSync('chown', ['postfix', join(dir, 'data')]);
    run('check');
    run('start');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `postfix did not start: ${(err as Error).message}` };
  }
  for (let i = 0; i < 100; i++) {
    const taken = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(true))
        .listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (taken) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    postfix: {
      port,
      dir,
      log: () => {
        try {
          return readFileSync(join(dir, 'maillog'), 'utf8');
        } catch {
          return '';
        }
      },
      async close() {
        try {
          run('stop');
        } catch {}
        rmSync(dir, { recursive: true, force: true });
      },
    },
  };
}
