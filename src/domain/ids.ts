/** Identifiers: a readable prefix and 16 random bytes, e.g. `org_3q2…`. Never guessable. */
import { randomBytes } from 'node:crypto';

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
  | 'oas';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
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
  return `${prefix}_${time}${seq}${randomBytes(8).toString('hex')}`;
}
