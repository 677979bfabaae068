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

/** `ALPHABET`'s characters in byte order, so that a string of them sorts as the number it encodes. */
const ORDERED = '234567abcdefghijklmnopqrstuvwxyz';
let orderedMs = 0;
let orderedSeq = 0;
let orderedTime = '';

/**
 * An identifier of `newId`'s form (a prefix and 26 characters of `a-z2-7`) that sorts by creation:
 * 9 characters of milliseconds (until the year 3084), 3 of a sequence within the millisecond
 * (strictly increasing within one process), then 14 random ones (70 bits: still never guessable).
 * Deliveries get these, so each row lands at the end of the primary-key index and the index by
 * message instead of on a random page of them (a mass email of a million), and a message's
 * deliveries list in the order they were submitted.
 */
export function newOrderedId(prefix: IdPrefix): string {
  const now = Date.now();
  if (now > orderedMs) {
    orderedMs = now;
    orderedSeq = 0;
    orderedTime = '';
  } else if (++orderedSeq === 1 << 15) {
    // A 32,768th id in one millisecond: borrow the next one.
    orderedMs++;
    orderedSeq = 0;
    orderedTime = '';
  }
  if (orderedTime === '') {
    let ms = orderedMs;
    for (let i = 0; i < 9; i++) {
      orderedTime = ORDERED[ms % 32]! + orderedTime;
      ms = Math.floor(ms / 32);
    }
  }
  const s = orderedSeq;
  const seq = ORDERED[(s >> 10) & 31]! + ORDERED[(s >> 5) & 31]! + ORDERED[s & 31]!;
  return `${prefix}_${orderedTime}${seq}${base32(random(9)).slice(0, 14)}`;
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
