import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClamdAddress,
  ClamdUnavailable,
  parseReply,
  ping,
  scanBuffer,
} from '../../src/antivirus/clamd.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { parseClamdAddress } from '../../src/domain/clamd-address.js';

/** What the fake clamd does once it has read a whole INSTREAM. */
type Behaviour = (data: Buffer, socket: Socket) => void;

interface FakeClamd {
  address: ClamdAddress;
  /** The chunk lengths of each stream received, in order. */
  streams: number[][];
  behave(b: Behaviour): void;
  close(): Promise<void>;
}

/** A clamd that speaks just enough of the protocol: zPING and zINSTREAM with length-prefixed chunks. */
async function startFakeClamd(listen: { path?: string } = {}): Promise<FakeClamd> {
  let behaviour: Behaviour = (_d, s) => s.end('stream: OK\0');
  const streams: number[][] = [];
  const server: Server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    let command: string | undefined;
    const chunks: Buffer[] = [];
    const lengths: number[] = [];
    socket.on('error', () => {});
    socket.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (command === undefined) {
        const nul = buf.indexOf(0);
        if (nul < 0) return;
        command = buf.subarray(0, nul).toString();
        buf = buf.subarray(nul + 1);
        if (command === 'zPING') return void socket.end('PONG\0');
      }
      while (buf.length >= 4) {
        const n = buf.readUInt32BE(0);
        if (buf.length < 4 + n) return;
        const chunk = buf.subarray(4, 4 + n);
        buf = buf.subarray(4 + n);
        if (n === 0) {
          streams.push(lengths);
          return behaviour(Buffer.concat(chunks), socket);
        }
        lengths.push(n);
        chunks.push(chunk);
      }
    });
  });
  const address = await new Promise<ClamdAddress>((resolve) => {
    if (listen.path) server.listen(listen.path, () => resolve({ kind: 'unix', path: listen.path! }));
    else
      server.listen(0, '127.0.0.1', () => {
        const a = server.address() as { port: number };
        resolve({ kind: 'tcp', host: '127.0.0.1', port: a.port });
      });
  });
  return {
    address,
    streams,
    behave: (b) => {
      behaviour = b;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('clamd addresses', () => {
  it.each([
    ['tcp://127.0.0.1:3310', { kind: 'tcp', host: '127.0.0.1', port: 3310 }],
    ['tcp://clamav.internal:3310/', { kind: 'tcp', host: 'clamav.internal', port: 3310 }],
    ['tcp://[::1]:3310', { kind: 'tcp', host: '::1', port: 3310 }],
    ['/run/clamav/clamd.ctl', { kind: 'unix', path: '/run/clamav/clamd.ctl' }],
    ['unix:/run/clamav/clamd.ctl', { kind: 'unix', path: '/run/clamav/clamd.ctl' }],
    ['clamd:3310', undefined],
    ['tcp://host:70000', undefined],
  ])('reads %s', (s, expected) => {
    expect(parseClamdAddress(s)).toEqual(expected);
  });
});

describe('clamd configuration', () => {
  it('refuses an address of no accepted form, naming the key', () => {
    expect(() => loadConfig({ MAILROUTE_CLAMD: 'clamd:3310' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAILROUTE_CLAMD: 'clamd:3310' })).toThrow(/MAILROUTE_CLAMD/);
  });
  it('reads the address and the scan timeout', () => {
    const c = loadConfig({ MAILROUTE_CLAMD: 'tcp://127.0.0.1:3310', MAILROUTE_CLAMD_TIMEOUT_SECONDS: '5' });
    expect([c.clamd, c.clamdTimeoutMs]).toEqual(['tcp://127.0.0.1:3310', 5000]);
    expect(loadConfig({}).clamdTimeoutMs).toBe(30_000);
  });
});

describe('clamd replies', () => {
  it.each([
    ['stream: OK', { infected: false }],
    ['stream: Eicar-Test-Signature FOUND', { infected: true, signature: 'Eicar-Test-Signature' }],
    ['stream: Win.Test.EICAR_HDB-1 FOUND\0', { infected: true, signature: 'Win.Test.EICAR_HDB-1' }],
    [
      'INSTREAM size limit exceeded. ERROR',
      { infected: false, tooLarge: true, reply: 'INSTREAM size limit exceeded. ERROR' },
    ],
  ])('reads "%s"', (reply, verdict) => {
    expect(parseReply(reply)).toEqual(verdict);
  });
  it('treats any other answer as the scanner being unavailable, never as clean', () => {
    expect(() => parseReply('Can not open file or directory. ERROR')).toThrow(ClamdUnavailable);
    expect(() => parseReply('UNKNOWN COMMAND')).toThrow(ClamdUnavailable);
  });
});

describe('INSTREAM against a fake clamd', () => {
  let clamd: FakeClamd;
  let unixDir: string;
  let unixClamd: FakeClamd;
  beforeAll(async () => {
    clamd = await startFakeClamd();
    unixDir = mkdtempSync(join(tmpdir(), 'mailroute-clamd-'));
    unixClamd = await startFakeClamd({ path: join(unixDir, 'clamd.sock') });
  });
  afterAll(async () => {
    await clamd.close();
    await unixClamd.close();
    rmSync(unixDir, { recursive: true, force: true });
  });

  it('sends the data in length-prefixed chunks and ends with a zero-length chunk', async () => {
    let received: Buffer = Buffer.alloc(0);
    clamd.behave((data, s) => {
      received = data;
      s.end('stream: OK\0');
    });
    const data = Buffer.alloc(10_000, 'x');
    expect(await scanBuffer(clamd.address, data, { timeoutMs: 2000, chunkBytes: 4096 })).toEqual({
      infected: false,
    });
    expect(clamd.streams.at(-1)).toEqual([4096, 4096, 1808]);
    expect(received.equals(data)).toBe(true);
  });

  it('streams an empty part as just the terminator', async () => {
    clamd.behave((_d, s) => s.end('stream: OK\0'));
    await scanBuffer(clamd.address, Buffer.alloc(0), { timeoutMs: 2000 });
    expect(clamd.streams.at(-1)).toEqual([]);
  });

  it('reports the signature clamd found', async () => {
    clamd.behave((data, s) => s.end(data.includes('EVIL') ? 'stream: Test.Evil FOUND\0' : 'stream: OK\0'));
    expect(await scanBuffer(clamd.address, Buffer.from('an EVIL file'), { timeoutMs: 2000 })).toEqual({
      infected: true,
      signature: 'Test.Evil',
    });
  });

  it('works over a Unix socket too', async () => {
    unixClamd.behave((_d, s) => s.end('stream: Test.Unix FOUND\0'));
    expect(await scanBuffer(unixClamd.address, Buffer.from('x'), { timeoutMs: 2000 })).toMatchObject({
      signature: 'Test.Unix',
    });
    expect(await ping(unixClamd.address, 2000)).toBe(true);
  });

  it('turns an ERROR reply into ClamdUnavailable', async () => {
    clamd.behave((_d, s) => s.end('Error processing command. ERROR\0'));
    await expect(scanBuffer(clamd.address, Buffer.from('x'), { timeoutMs: 2000 })).rejects.toThrow(
      /Error processing command/,
    );
  });

  it('recognizes the stream size limit', async () => {
    clamd.behave((_d, s) => s.end('INSTREAM size limit exceeded. ERROR\0'));
    expect(await scanBuffer(clamd.address, Buffer.from('x'), { timeoutMs: 2000 })).toMatchObject({
      tooLarge: true,
    });
  });

  it('gives up when clamd does not answer in time', async () => {
    clamd.behave(() => {});
    const started = Date.now();
    await expect(scanBuffer(clamd.address, Buffer.from('x'), { timeoutMs: 300 })).rejects.toThrow(
      /did not answer within 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up when clamd closes without a word', async () => {
    clamd.behave((_d, s) => s.end());
    await expect(scanBuffer(clamd.address, Buffer.from('x'), { timeoutMs: 2000 })).rejects.toThrow(
      ClamdUnavailable,
    );
  });

  it('takes a stream dropped mid-way by a clamd that still answers PING as too large, else as unavailable', async () => {
    // Like clamd at its StreamMaxLength when the answer is lost to the reset: it takes some data,
    // then drops the connection; a PING on a new connection tells it is still up.
    let answerPing = true;
    const dropper = createServer((socket) => {
      socket.on('error', () => {});
      let seen = 0;
      socket.on('data', (b: Buffer) => {
        if (b.subarray(0, 6).toString() === 'zPING\0') {
          if (answerPing) socket.end('PONG\0');
          else socket.resetAndDestroy();
          return;
        }
        seen += b.length;
        if (seen > 100_000) socket.resetAndDestroy();
      });
    });
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', r));
    const address: ClamdAddress = {
      kind: 'tcp',
      host: '127.0.0.1',
      port: (dropper.address() as { port: number }).port,
    };
    try {
      const big = Buffer.alloc(4 * 1024 * 1024, 'z');
      expect(await scanBuffer(address, big, { timeoutMs: 2000 })).toMatchObject({ tooLarge: true });
      answerPing = false;
      await expect(scanBuffer(address, big, { timeoutMs: 2000 })).rejects.toThrow(ClamdUnavailable);
    } finally {
      await new Promise((r) => dropper.close(r));
    }
  });

  it('reports a closed port as unavailable', async () => {
    const closed = await startFakeClamd();
    await closed.close();
    await expect(scanBuffer(closed.address, Buffer.from('x'), { timeoutMs: 2000 })).rejects.toThrow(
      /cannot be reached: ECONNREFUSED/,
    );
    expect(await ping(closed.address, 500)).toBe(false);
  });
});
