/**
 * Identifiers: a readable prefix and 16 random bytes in lowercase base32, e.g. `dlv_k3q…`. Never
 * guessable, and safe where case may not survive (the local part of a VERP return path).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const POOL = 4096;
let pool = Buffer.alloc(0);
let offset = POOL;

/** Cryptographically random bytes, drawn from a pool refilled 4 KB at a time (ids are made in bulk). */
function random(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(POOL);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export type IdPrefix =
  | 'org'
  | 'usr'
  | 'key'
  | 'aud'
  | 'dom'
  | 'rly'
  | 'msg'
  | 'dlv'
  | 'att'
  | 'ntf'
  | 'bnc'
  | 'dkm'
  | 'oas'
  | 'evt'
  | 'sup'
  | 'whk'
  | 'whd'
  | 'crl';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32(random(16))}`;
}

let lastMs = 0;
let counter = 0;

/**
 * An identifier that sorts by creation time: within one process strictly increasing, across
 * processes by millisecond. Used where rows of the same instant need a stable order.
 */
export function newSortableId(prefix: IdPrefix): string {
  const ms = Math.max(Date.now(), lastMs);
  if (ms === lastMs) counter++;
  else {
    lastMs = ms;
    counter = 0;
  }
  const time = ms.toString(16).padStart(12, '0');
  const seq = counter.toString(16).padStart(6, '0');
  return `${prefix}_${time}${seq}${random(8).toString('hex')}`;
}
