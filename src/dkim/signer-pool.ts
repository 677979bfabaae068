/**
 * DKIM signing off the main thread: RSA signatures cost about a millisecond each, so a small pool
 * of worker threads (one fewer than the cores, at least one) signs while the main thread keeps
 * the queue and the SMTP connections moving. Each worker runs mailauth's `dkimSign`.
 */

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { dkimSign } = require(workerData.mailauth);
parentPort.on('message', async ({ id, raw, options }) => {
  try {
    const r = await dkimSign(Buffer.from(raw), { ...options, signTime: new Date(options.signTime) });
    parentPort.postMessage({ id, signatures: r.signatures, errors: (r.errors || []).map(String) });
  } catch (err) {
    parentPort.postMessage({ id, signatures: '', errors: [String(err && err.message || err)] });
  }
});
`;

export interface SignRequest {
  signingDomain: string;
  selector: string;
  privateKey: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  signTime: number;
}

type Pending = { resolve: (r: { signatures: string; errors: string[] }) => void; reject: (e: Error) => void };

export class SignerPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private next = 0;
  private seq = 0;

  private mailauth = createRequire(import.meta.url).resolve('mailauth');

  constructor(size = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn(i));
  }

  /** A worker; one that fails fails what it was signing and is replaced. */
  private spawn(index: number): Worker {
    const w = new Worker(workerSource, { eval: true, workerData: { mailauth: this.mailauth } });
    w.on('message', (m: { id: number; signatures: string; errors: string[] }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    w.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.workers[index] === w) this.workers[index] = this.spawn(index);
    });
    w.unref();
    return w;
  }

  sign(raw: Buffer, req: SignRequest): Promise<{ signatures: string; errors: string[] }> {
    const id = this.seq++;
    const worker = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({
        id,
        raw,
        options: {
          canonicalization: 'relaxed/relaxed',
          signTime: req.signTime,
          signatureData: [
            {
              signingDomain: req.signingDomain,
              selector: req.selector,
              privateKey: req.privateKey,
              algorithm: req.algorithm,
            },
          ],
        },
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
