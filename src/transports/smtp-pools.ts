/**
 * Nodemailer SMTP pools, one per destination configuration, made once and reused (connections
 * stay open between messages; `maxMessages` is unbounded, or the pool reconnects every 100
 * messages). A pool whose configuration changed is replaced; idle pools are closed.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

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

export class SmtpPools {
  private pools = new Map<string, Entry>();

  private get(key: string, options: PoolOptions): Transporter {
    const signature = signatureOf(options);
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
    try {
      const info = await this.get(key, options).sendMail({
        envelope: { from: envelope.from, to: [envelope.to] },
        raw,
        messageId,
      });
      return { ok: true, response: String(info.response ?? ''), host, ms: Date.now() - started };
    } catch (error) {
      return { ok: false, error, host, ms: Date.now() - started };
    }
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
