/**
 * DKIM signing (RFC 6376, relaxed/relaxed; RSA-SHA256 and Ed25519-SHA256 per RFC 8463). Keys are
 * parsed once and the signature itself is computed in libuv's thread pool, so signing costs the
 * main thread little more than hashing a message. (mailauth verifies these signatures in the
 * tests; its signer parsed the key and re-read the message for every signature, which made DKIM
 * the bottleneck of delivery.)
 */
import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import {
  type HeaderField,
  headerFields,
  type MessageParts,
  messageParts,
  relaxedBody,
  relaxedHeader,
} from './canonical.js';
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

/** `crypto.sign` with its callback: the RSA or Ed25519 operation runs in libuv's thread pool. */
function signAsync(algorithm: string | null, data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    sign(algorithm, data, key, (err, signature) => (err ? reject(err) : resolve(signature))),
  );
}

/**
 * The DKIM-Signature field, folded at its tag separators and inside the signature (RFC 6376
 * §3.5 allows whitespace there; relaxed canonicalization and the removal of `b=`'s value undo it).
 */
function signatureField(value: string, signature: string): string {
  let b = '';
  for (let i = 0; i < signature.length; i += 72) b += `${i > 0 ? '\r\n ' : ''}${signature.slice(i, i + 72)}`;
  return `DKIM-Signature: ${value.replaceAll('; ', ';\r\n ')}${b}\r\n`;
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

/** The header fields to sign: of a name given twice, the last one, which verifiers take (RFC 6376 §5.4.2). */
function fieldsToSign(head: Buffer): HeaderField[] {
  const last = new Map<string, HeaderField>();
  for (const h of headerFields(head)) last.set(h.name.trim().toLowerCase(), h);
  const signed: HeaderField[] = [];
  for (const n of SIGNED) {
    const h = last.get(n);
    if (h) signed.push(h);
  }
  return signed;
}

/** Signs a message given as its header block and body; returns the signed message. */
export async function signParts(parts: MessageParts, key: SigningKey, now: Date): Promise<Buffer> {
  try {
    const signed = fieldsToSign(parts.head);
    const bodyHash = bodyHashOf(parts.body);
    const a = key.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256';
    const t = Math.floor(now.getTime() / 1000);
    const names = signed.map((h) => h.name.trim().toLowerCase()).join(':');
    const value = `v=1; a=${a}; c=relaxed/relaxed; d=${key.domain}; s=${key.selector}; t=${t}; h=${names}; bh=${bodyHash}; b=`;
    let data = '';
    for (const h of signed) data += `${relaxedHeader(h.name, h.value)}\r\n`;
    data += relaxedHeader('DKIM-Signature', value);
    const k = keyObject(key.privateKeyPem);
    const signature =
      key.algorithm === 'ed25519'
        ? await signAsync(null, createHash('sha256').update(data, 'latin1').digest(), k)
        : await signAsync('sha256', Buffer.from(data, 'latin1'), k);
    const field = Buffer.from(signatureField(value, signature.toString('base64')), 'latin1');
    return Buffer.concat([field, parts.head, parts.body]);
  } catch (err) {
    throw new DkimSignError(`DKIM signing for ${key.domain} failed: ${(err as Error).message}`);
  }
}
