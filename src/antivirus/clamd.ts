/**
 * A small clamd client (SPEC R24): `zINSTREAM` over TCP or a Unix socket, one connection per scan.
 * The data goes in chunks, each prefixed by its length as 4 bytes big-endian, and a zero-length
 * chunk ends the stream; clamd answers one NUL-terminated line: `stream: OK`,
 * `stream: <signature> FOUND`, or `<reason> ERROR`. Every scan has a deadline; a scanner that
 * cannot be reached, hangs or answers something else is a `ClamdUnavailable`, never a clean verdict.
 */
import { connect, type Socket } from 'node:net';
import { type ClamdAddress, describeClamdAddress } from '../domain/clamd-address.js';

export type { ClamdAddress };

export type ScanVerdict =
  | { infected: false }
  | { infected: true; signature: string }
  | { infected: false; tooLarge: true; reply: string };

export class ClamdUnavailable extends Error {
  override name = 'ClamdUnavailable';
  constructor(
    message: string,
    /** The socket error, when the connection failed (`ECONNREFUSED`, `EPIPE`, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ClamdOptions {
  /** Whole-scan deadline: connect, send, and clamd's verdict. */
  timeoutMs: number;
  /** Size of the INSTREAM chunks (clamd's StreamMaxLength caps the sum, not the chunk). */
  chunkBytes?: number;
}

const CHUNK = 64 * 1024;

/** Interprets clamd's reply to one INSTREAM (without the trailing NUL). */
export function parseReply(reply: string): ScanVerdict {
  const line = reply.replace(/\0/g, '').trim();
  if (line === 'stream: OK') return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(line);
  if (found) return { infected: true, signature: found[1]!.trim() };
  if (/size limit exceeded/i.test(line) && /ERROR$/.test(line))
    return { infected: false, tooLarge: true, reply: line };
  throw new ClamdUnavailable(`clamd answered "${line.slice(0, 200)}"`);
}

/** Opens a connection, writes `request`, and resolves with everything clamd says up to its NUL. */
function exchange(
  address: ClamdAddress,
  timeoutMs: number,
  write: (socket: Socket, answered: () => boolean) => Promise<void>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const where = describeClamdAddress(address);
    const socket = address.kind === 'tcp' ? connect(address.port, address.host) : connect(address.path);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err: Error | undefined, reply?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const replySoFar = () => Buffer.concat(chunks).toString('utf8');
    const timer = setTimeout(
      () => finish(new ClamdUnavailable(`clamd at ${where} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => {
      write(socket, () => done || chunks.length > 0).catch(() => {
        // A failed write surfaces as the socket's 'error' below.
      });
    });
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      const text = replySoFar();
      const end = text.indexOf('\0');
      if (end >= 0) finish(undefined, text.slice(0, end));
    });
    socket.on('end', () => {
      // clamd closes after a reply; a reply without its NUL (older versions, errors) still counts.
      const text = replySoFar();
      if (text.trim()) finish(undefined, text);
      else finish(new ClamdUnavailable(`clamd at ${where} closed the connection without an answer`));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // clamd may stop reading and answer early (size limit): a reply already received wins.
      const text = replySoFar();
      if (text.includes('\0') || (text.trim() && (err.code === 'EPIPE' || err.code === 'ECONNRESET')))
        finish(undefined, text.split('\0')[0]!);
      else
        finish(
          new ClamdUnavailable(`clamd at ${where} cannot be reached: ${err.code ?? err.message}`, err.code),
        );
    });
  });
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Writes `b`, then waits until the socket wants more (backpressure). */
function writeAndDrain(socket: Socket, b: Buffer | string): Promise<void> {
  if (socket.write(b)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const off = () => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
    };
    const onDrain = () => {
      off();
      resolve();
    };
    const onClose = () => {
      off();
      reject(new Error('closed'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

/**
 * Streams `data` to clamd with INSTREAM and returns its verdict. Chunks go one at a time, each
 * after the last has drained, and stop as soon as clamd has answered: clamd stops reading at its
 * StreamMaxLength, answers and closes, and a client still pushing data would get a reset that
 * can arrive before the answer is read.
 */
export async function scanBuffer(address: ClamdAddress, data: Buffer, o: ClamdOptions): Promise<ScanVerdict> {
  const chunkBytes = o.chunkBytes ?? CHUNK;
  let streamed = 0;
  try {
    const reply = await exchange(address, o.timeoutMs, async (socket, answered) => {
      await writeAndDrain(socket, 'zINSTREAM\0');
      for (let i = 0; i < data.length; i += chunkBytes) {
        if (answered()) return;
        const chunk = data.subarray(i, i + chunkBytes);
        await writeAndDrain(socket, Buffer.concat([lengthPrefix(chunk.length), chunk]));
        streamed += chunk.length;
      }
      if (!answered()) await writeAndDrain(socket, lengthPrefix(0));
    });
    return parseReply(reply);
  } catch (err) {
    if (await droppedMidStream(address, err, streamed, o.timeoutMs))
      return {
        infected: false,
        tooLarge: true,
        reply: 'clamd closed the stream before its end (StreamMaxLength)',
      };
    throw err;
  }
}

/**
 * clamd answers a stream over its StreamMaxLength and closes at once; when our next chunk meets
 * that close, the reset can arrive before its answer is read, and the answer is lost. A stream
 * dropped mid-way (data already taken, then EPIPE or a reset) by a clamd that still answers a
 * PING was refused for its size: clamd drops a well-formed INSTREAM for nothing else.
 */
async function droppedMidStream(
  address: ClamdAddress,
  err: unknown,
  streamed: number,
  timeoutMs: number,
): Promise<boolean> {
  const reset = err instanceof ClamdUnavailable && (err.code === 'EPIPE' || err.code === 'ECONNRESET');
  return reset && streamed > 0 && (await ping(address, timeoutMs));
}

/** `zPING`: true when clamd answers `PONG`. */
export async function ping(address: ClamdAddress, timeoutMs: number): Promise<boolean> {
  try {
    const reply = await exchange(address, timeoutMs, (socket) => writeAndDrain(socket, 'zPING\0'));
    return reply.replace(/\0/g, '').trim() === 'PONG';
  } catch {
    return false;
  }
}
