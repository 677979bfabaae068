/**
 * Nodemailer SMTP pools, one per destination configuration, made once and reused (connections
 * stay open between messages; `maxMessages` is unbounded, or the pool reconnects every 100
 * messages). A pool whose configuration changed is replaced; idle pools are closed.
 */
import { Readable } from 'node:stream';
import nodemailer, { type SentMessageInfo, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { type ConnectionTls, connectionTls } from './connection-tls.js';

export type PoolOptions = SMTPPool.Options;

/** What sending needs of the pools (`delivery/slot-pools.ts` narrows them to one leased connection). */
export type SendPools = Pick<SmtpPools, 'send'>;

export interface SendOutcome {
  ok: boolean;
  /** The server's last reply (success) or the error nodemailer raised. */
  response?: string;
  error?: unknown;
  host: string;
  ms: number;
  /** The TLS of the connection that sent it (undefined: not known). */
  tls?: ConnectionTls;
}

interface Entry {
  transporter: Transporter;
  signature: string;
  lastUsed: number;
}

const IDLE_MS = 5 * 60_000;

/** Certificate bundles by identity (`relay-transport.ts` reuses one array per certificate). */
const bundleIds = new WeakMap<object, number>();
let nextBundleId = 0;

/** The options as a string to compare: functions left out, a CA bundle as its identity. */
function signatureOf(options: PoolOptions): string {
  return JSON.stringify(options, (k, v) => {
    if (typeof v === 'function') return undefined;
    if (k === 'ca' && Array.isArray(v)) {
      let id = bundleIds.get(v);
      if (id === undefined) {
        id = nextBundleId++;
        bundleIds.set(v, id);
      }
      return `bundle#${id}`;
    }
    return v;
  });
}

/**
 * Signatures by options object: callers that send many messages with the same options (one relay
 * row for a claimed batch) hand the same object, and options are never changed once handed over.
 */
const signatures = new WeakMap<PoolOptions, string>();

const ASCII = /^[\x21-\x7e]+$/;

/** The pool's own `send`, under nodemailer's `Mailer` (`transporter.transporter`). */
interface PoolTransport {
  send(mail: unknown, callback: (err: Error | null, info: SentMessageInfo) => void): void;
}

/**
 * Hands a prepared message straight to the pool. `sendMail` would compose the raw message again
 * (MailComposer, a MIME node and its stream pipeline) only to stream the same bytes out; the pool
 * reads no more of a mail than this: the envelope, the Message-ID and a stream of the message
 * (a Readable, so the pool can tell whether a closed connection read any of it and requeue it).
 * Addresses beyond ASCII still go through `sendMail`, which converts their domains.
 */
function sendPrepared(
  transporter: Transporter,
  raw: Buffer,
  envelope: { from: string; to: string },
  messageId: string | undefined,
  callback: (err: Error | null, info?: SentMessageInfo) => void,
): void {
  const pool = (transporter as unknown as { transporter: PoolTransport }).transporter;
  const id = messageId ?? '';
  const mail = {
    // `raw` is where connection-tls.ts finds the connection that carries this message.
    data: { raw },
    message: {
      getEnvelope: () => ({ from: envelope.from, to: [envelope.to] }),
      messageId: () => id,
      getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? id : undefined),
      createReadStream: () => {
        let read = false;
        return new Readable({
          read() {
            if (read) return;
            read = true;
            this.push(raw);
            this.push(null);
          },
        });
      },
    },
  };
  pool.send(mail, callback);
}

export class SmtpPools {
  private pools = new Map<string, Entry>();

  private get(key: string, options: PoolOptions): Transporter {
    let signature = signatures.get(options);
    if (signature === undefined) {
      signature = signatureOf(options);
      signatures.set(options, signature);
    }
    const hit = this.pools.get(key);
    if (hit && hit.signature === signature) {
      hit.lastUsed = Date.now();
      return hit.transporter;
    }
    hit?.transporter.close();
    const transporter = nodemailer.createTransport({
      ...options,
      pool: true,
      maxMessages: options.maxMessages ?? Number.POSITIVE_INFINITY,
      logger: false,
      debug: false,
    });
    this.pools.set(key, { transporter, signature, lastUsed: Date.now() });
    return transporter;
  }

  /**
   * Sends a prepared message to one recipient; never throws. `messageId` (the one in `raw`)
   * spares nodemailer from generating a random one it would only log.
   */
  async send(
    key: string,
    options: PoolOptions,
    raw: Buffer,
    envelope: { from: string; to: string },
    messageId?: string,
  ): Promise<SendOutcome> {
    const started = Date.now();
    const host = `${options.host}:${options.port}`;
    return new Promise((resolve) => {
      try {
        const transporter = this.get(key, options);
        // The callback form: the connection that sent is known only while the callback runs.
        const done = (error: Error | null, info?: SentMessageInfo) => {
          const tls = connectionTls(transporter, raw);
          const ms = Date.now() - started;
          if (error) resolve({ ok: false, error, host, ms, ...(tls ? { tls } : {}) });
          else
            resolve({ ok: true, response: String(info?.response ?? ''), host, ms, ...(tls ? { tls } : {}) });
        };
        if (ASCII.test(envelope.from) && ASCII.test(envelope.to))
          sendPrepared(transporter, raw, envelope, messageId, done);
        else
          transporter.sendMail(
            { envelope: { from: envelope.from, to: [envelope.to] }, raw, messageId },
            done,
          );
      } catch (error) {
        resolve({ ok: false, error, host, ms: Date.now() - started });
      }
    });
  }

  /** Closes one pool (its connections end once their message is done). */
  close(key: string): void {
    const e = this.pools.get(key);
    if (!e) return;
    e.transporter.close();
    this.pools.delete(key);
  }

  closeIdle(now = Date.now()): void {
    for (const [key, e] of this.pools) {
      if (now - e.lastUsed > IDLE_MS) {
        e.transporter.close();
        this.pools.delete(key);
      }
    }
  }

  closeAll(): void {
    for (const e of this.pools.values()) e.transporter.close();
    this.pools.clear();
  }
}
