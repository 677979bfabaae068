/**
 * DKIM signing (RFC 6376, relaxed/relaxed; RSA-SHA256 and Ed25519-SHA256 per RFC 8463). Keys are
 * parsed once and the signature itself is computed in libuv's thread pool, so signing costs the
 * main thread little more than hashing a message. (mailauth verifies these signatures in the
 * tests; its signer parsed the key and re-read the message for every signature, which made DKIM
 * the bottleneck of delivery.)
 */
import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { headerFields, type MessageParts, messageParts, relaxedBody, relaxedHeader } from './canonical.js';
import type { DkimAlgorithm } from './keys.js';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeyPem: string;
}

export class DkimSignError extends Error {
  override name = 'DkimSignError';
}

/** Headers signed when present (the ones mailroute writes, and those receivers look at). */
const SIGNED = [
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'x-mailroute-delivery',
];

const signAsync = promisify(sign);
const keys = new Map<string, KeyObject>();

function keyObject(pem: string): KeyObject {
  let k = keys.get(pem);
  if (!k) {
    k = createPrivateKey(pem);
    if (keys.size > 1000) keys.clear();
    keys.set(pem, k);
  }
  return k;
}

/** Folds the header at its tag separators and inside the signature, as RFC 6376 allows. */
function fold(header: string): string {
  const [head, signature = ''] = header.split(/(?<=b=)(?=[^;]*$)/);
  const tags = head!.replace(/; /g, ';\r\n ');
  return `${tags}${signature.replace(/(.{72})/g, '$1\r\n ').replace(/\r\n $/, '')}`;
}

/**
 * Body hashes by body buffer: a mass email's deliveries share one body (`MimeTemplates` hands out
 * the same Buffer), so its canonical form is hashed once, not once per recipient.
 */
const bodyHashes = new WeakMap<Buffer, string>();

function bodyHashOf(body: Buffer): string {
  let h = bodyHashes.get(body);
  if (h === undefined) {
    h = createHash('sha256').update(relaxedBody(body)).digest('base64');
    bodyHashes.set(body, h);
  }
  return h;
}

export function signMessage(raw: Buffer, key: SigningKey, now: Date): Promise<Buffer> {
  return signParts(messageParts(raw), key, now);
}

/** Signs a message given as its header block and body; returns the signed message. */
export async function signParts(parts: MessageParts, key: SigningKey, now: Date): Promise<Buffer> {
  try {
    const headers = headerFields(parts.head);
    const bodyHash = bodyHashOf(parts.body);
    const signed = SIGNED.flatMap((n) => {
      const h = headers.find((x) => x.name.toLowerCase() === n);
      return h ? [h] : [];
    });
    const a = key.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256';
    const t = Math.floor(now.getTime() / 1000);
    const value = `v=1; a=${a}; c=relaxed/relaxed; d=${key.domain}; s=${key.selector}; t=${t}; h=${signed.map((h) => h.name.toLowerCase()).join(':')}; bh=${bodyHash}; b=`;
    const data = `${signed.map((h) => `${relaxedHeader(h.name, h.value)}\r\n`).join('')}${relaxedHeader('DKIM-Signature', value)}`;
    const k = keyObject(key.privateKeyPem);
    const signature =
      key.algorithm === 'ed25519'
        ? await signAsync(null, createHash('sha256').update(data, 'latin1').digest(), k)
        : await signAsync('sha256', Buffer.from(data, 'latin1'), k);
    return Buffer.concat([
      Buffer.from(`${fold(`DKIM-Signature: ${value}${signature.toString('base64')}`)}\r\n`, 'latin1'),
      parts.head,
      parts.body,
    ]);
  } catch (err) {
    throw new DkimSignError(`DKIM signing for ${key.domain} failed: ${(err as Error).message}`);
  }
}
