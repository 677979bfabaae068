/**
 * A private Dovecot IMAP server on 127.0.0.1 for loopback tests: Debian's `dovecot` binary run in
 * the foreground with a configuration of its own in a temporary directory (passwd-file users,
 * maildir storage, plain authentication allowed, optional implicit TLS with a given certificate).
 * Clients reach it through a plain TCP relay on loopback that counts the connections it accepts, so
 * that a test can tell that nothing connected. `startImapServer()` resolves to undefined, with the
 * reason, where Dovecot is not installed or does not start, so that tests can skip saying why.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOVECOT = '/usr/sbin/dovecot';
/** Mail is stored as `nobody`: Dovecot refuses to access mail as root. */
const MAIL_UID = 65534;

export interface ImapUser {
  user: string;
  password: string;
}

export interface TestImapServer {
  host: string;
  /** Plain IMAP (no STARTTLS offered). */
  port: number;
  /** Implicit TLS, when a certificate was given. */
  tlsPort: number | undefined;
  /** TCP connections accepted so far, on either port. */
  connections(): number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('data', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function config(dir: string, port: number, tlsPort: number | undefined, oauth2: boolean): string {
  const ssl = tlsPort
    ? [`ssl = yes`, `ssl_cert = <${dir}/cert.pem`, `ssl_key = <${dir}/key.pem`]
    : ['ssl = no'];
  return [
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    `info_log_path = ${dir}/dovecot.log`,
    'protocols = imap',
    'listen = 127.0.0.1',
    ...ssl,
    'disable_plaintext_auth = no',
    `auth_mechanisms = plain login${oauth2 ? ' xoauth2 oauthbearer' : ''}`,
    'auth_failure_delay = 0',
    'first_valid_uid = 0',
    'mail_privileged_group =',
    `mail_location = maildir:${dir}/mail/%u`,
    ...(oauth2
      ? [
          'passdb {',
          '  driver = oauth2',
          '  mechanisms = xoauth2 oauthbearer',
          `  args = ${dir}/oauth2.conf`,
          '}',
        ]
      : []),
    'passdb {',
    '  driver = passwd-file',
    '  mechanisms = plain login',
    `  args = scheme=PLAIN username_format=%u ${dir}/passwd`,
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${dir}/home/%u`,
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    address = 127.0.0.1',
    `    port = ${tlsPort ?? 0}`,
    ...(tlsPort ? ['    ssl = yes'] : []),
    '  }',
    '}',
    'service auth {',
    '  unix_listener auth-userdb {',
    '    mode = 0666',
    '  }',
    '}',
    'service stats {',
    '  unix_listener stats-writer {',
    '    mode = 0666',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** A loopback port that pipes every connection to `target`, counting them in `counter`. */
async function countingRelay(
  target: number,
  counter: { n: number },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counter.n += 1;
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type StartResult = { server: TestImapServer } | { skip: string };

export interface ImapServerOptions {
  /** Turns on an implicit-TLS listener with this certificate. */
  certificate?: { key: string; cert: string };
  /**
   * Turns on XOAUTH2/OAUTHBEARER: Dovecot POSTs `token=…` to this URL (RFC 7662 introspection) and
   * expects `{"active": true, "username": "<the user signing in>"}`.
   */
  oauth2IntrospectionUrl?: string;
}

/** Starts Dovecot for `users` (password sign-in), with TLS or OAuth as `options` say. */
export async function startImapServer(
  users: ImapUser[],
  options: ImapServerOptions = {},
): Promise<StartResult> {
  const { certificate } = options;
  if (!existsSync(DOVECOT))
    return { skip: 'Dovecot is not installed (apt-get install -y dovecot-imapd); IMAP tests skipped' };
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d), { mode: 0o755 });
  for (const d of ['mail', 'home']) chownSync(join(dir, d), MAIL_UID, MAIL_UID);
  writeFileSync(join(dir, 'passwd'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''));
  if (certificate) {
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key, { mode: 0o600 });
  }
  const port = await freePort();
  const tlsPort = certificate ? await freePort() : undefined;
  const conf = join(dir, 'dovecot.conf');
  if (options.oauth2IntrospectionUrl)
    writeFileSync(
      join(dir, 'oauth2.conf'),
      [
        'introspection_mode = post',
        `introspection_url = ${options.oauth2IntrospectionUrl}`,
        'username_attribute = username',
        'active_attribute = active',
        'active_value = true',
        '',
      ].join('\n'),
    );
  writeFileSync(conf, config(dir, port, tlsPort, Boolean(options.oauth2IntrospectionUrl)));
  const check = spawnSync(DOVECOT, ['-c', conf, '-n'], { encoding: 'utf8' });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `Dovecot rejects the test configuration: ${check.stderr.trim()}` };
  }
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
      await stop();
      return { skip: `Dovecot did not start: ${(stderr + log).trim().slice(-500)}` };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const counter = { n: 0 };
  const relays = [
    await countingRelay(port, counter),
    ...(tlsPort ? [await countingRelay(tlsPort, counter)] : []),
  ];
  return {
    server: {
      host: '127.0.0.1',
      port: relays[0]!.port,
      tlsPort: relays[1]?.port,
      connections: () => counter.n,
      close: async () => {
        for (const r of relays) await r.close();
        await stop();
      },
    },
  };
}
