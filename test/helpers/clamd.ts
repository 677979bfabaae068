/**
 * A private clamd from Debian's clamav-daemon, started per test file on a free loopback port and a
 * Unix socket in a temp dir, with a signature database of our own: official databases cannot be
 * downloaded here, so one `.ndb` signature matches the EICAR test string anywhere in a file.
 * `startClamd()` resolves to a reason string when clamd is not installed or does not come up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ping } from '../../src/antivirus/clamd.js';

export const CLAMD_BINARY = '/usr/sbin/clamd';

/** The EICAR anti-virus test file: harmless, and detected by every scanner by convention. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const EICAR_SIGNATURE = 'Mailroute.Test.EICAR.UNOFFICIAL';

export interface TestClamd {
  /** `tcp://127.0.0.1:<port>` */
  tcp: string;
  /** The Unix socket path. */
  socket: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export async function startClamd(): Promise<TestClamd | string> {
  if (!existsSync(CLAMD_BINARY))
    return `${CLAMD_BINARY} is missing: install Debian's clamav-daemon (apt-get install -y clamav-daemon)`;
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-clamd-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  const hex = Buffer.from(EICAR).toString('hex');
  writeFileSync(join(db, 'mailroute.ndb'), `Mailroute.Test.EICAR:0:*:${hex}\n`);
  const port = await freePort();
  const socket = join(dir, 'clamd.sock');
  const log = join(dir, 'clamd.log');
  const conf = join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${db}`,
      `LogFile ${log}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      'SelfCheck 0',
      'StreamMaxLength 2M',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(CLAMD_BINARY, [`--config-file=${conf}`], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const address = { kind: 'tcp' as const, host: '127.0.0.1', port };
  const cleanup = () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await ping(address, 1000))) {
    if (exited || Date.now() > deadline) {
      const why = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' / ') : '';
      cleanup();
      return `clamd did not start${why ? `: ${why}` : ''}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    tcp: `tcp://127.0.0.1:${port}`,
    socket,
    async close() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      }
      cleanup();
    },
  };
}
