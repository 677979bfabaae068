/**
 * VERP return paths (SPEC R17): `bounces+<token>@<bounce domain>`, where the token names the
 * delivery and carries an HMAC so that forged bounces are ignored. Tokens are lowercase base32
 * (local parts may lose their case on the way back) and fit the 64-character local-part limit.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32 } from './ids.js';

const PREFIX = 'bounces+';
const MAC_BYTES = 10;

function mac(key: Buffer, deliveryId: string): string {
  return base32(createHmac('sha256', key).update(deliveryId).digest().subarray(0, MAC_BYTES));
}

/** `dlv_abc…` → `bounces+abc…-<mac>@<domain>`. */
export function verpAddress(deliveryId: string, bounceDomain: string, key: Buffer): string {
  const id = deliveryId.replace(/^dlv_/, '');
  return `${PREFIX}${id}-${mac(key, deliveryId)}@${bounceDomain}`;
}

/** The delivery a VERP address names, or undefined when it is not one of ours or its HMAC is wrong. */
export function parseVerp(address: string, key: Buffer): string | undefined {
  const at = address.lastIndexOf('@');
  const local = (at >= 0 ? address.slice(0, at) : address).toLowerCase();
  if (!local.startsWith(PREFIX)) return undefined;
  const m = /^([a-z2-7]{26})-([a-z2-7]{16})$/.exec(local.slice(PREFIX.length));
  if (!m) return undefined;
  const deliveryId = `dlv_${m[1]}`;
  const expected = Buffer.from(mac(key, deliveryId));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? deliveryId : undefined;
}

export const catchAllAddress = (bounceDomain: string) => `catchall@${bounceDomain}`;
