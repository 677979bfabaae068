/**
 * One-click unsubscribe tokens (RFC 8058, the bulk-sender rules): `<delivery>-<mac>`, where the
 * delivery id names org, recipient and message, and an HMAC under a key of its own (derived from the
 * master key) makes it checkable without a database read. The address never shows. Lowercase base32
 * like VERP tokens, since the `mailto:` form puts it in a local part that may lose its case:
 * `unsubscribe+` and the token make 55 characters, under the 64 a local part may hold.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32 } from './ids.js';

const MAC_BYTES = 10;
const MAILTO_PREFIX = 'unsubscribe+';
const TOKEN = /^([a-z2-7]{26})-([a-z2-7]{16})$/;

function mac(key: Buffer, deliveryId: string): string {
  return base32(
    createHmac('sha256', key).update(`unsubscribe:${deliveryId}`).digest().subarray(0, MAC_BYTES),
  );
}

/** `dlv_abc…` → `abc…-<mac>`. */
export function unsubscribeToken(deliveryId: string, key: Buffer): string {
  return `${deliveryId.replace(/^dlv_/, '')}-${mac(key, deliveryId)}`;
}

/** The delivery a token names, or undefined when it is malformed or its HMAC is wrong. */
export function parseUnsubscribeToken(token: string, key: Buffer): string | undefined {
  const m = TOKEN.exec(token.toLowerCase());
  if (!m) return undefined;
  const deliveryId = `dlv_${m[1]}`;
  const expected = Buffer.from(mac(key, deliveryId));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? deliveryId : undefined;
}

export const unsubscribeMailto = (token: string, bounceDomain: string) =>
  `${MAILTO_PREFIX}${token}@${bounceDomain}`;

/** The token of an `unsubscribe+<token>@…` address, or undefined when it is not one. */
export function mailtoToken(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const local = (at >= 0 ? address.slice(0, at) : address).toLowerCase();
  return local.startsWith(MAILTO_PREFIX) ? local.slice(MAILTO_PREFIX.length) : undefined;
}

export interface ListUnsubscribeInput {
  token: string;
  /** The public URL of mailroute, without a trailing slash. */
  publicUrl: string;
  bounceDomain: string;
  /** The submitter's own `List-Unsubscribe` value, when it gave one. */
  given?: string;
}

/**
 * The unsubscribe header fields of one delivery. mailroute's own pair, or, when the submitter gave
 * its own `List-Unsubscribe`, that one kept, with `List-Unsubscribe-Post` only when it offers an
 * https URL (RFC 8058 §3.1: one-click needs an HTTPS URI).
 */
export function listUnsubscribeHeaders(i: ListUnsubscribeInput): [name: string, value: string][] {
  const post: [string, string] = ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'];
  if (i.given !== undefined) return /<https:\/\/[^>]+>/i.test(i.given) ? [post] : [];
  const url = `${i.publicUrl.replace(/\/+$/, '')}/u/${i.token}`;
  const value = `<${url}>, <mailto:${unsubscribeMailto(i.token, i.bounceDomain)}>`;
  return oneClickCapable(i.publicUrl) ? [['List-Unsubscribe', value], post] : [['List-Unsubscribe', value]];
}

/** RFC 8058 §3.1: a one-click unsubscribe URI must be HTTPS, so a plain-http public URL offers none. */
export function oneClickCapable(publicUrl: string): boolean {
  return /^https:\/\//i.test(publicUrl);
}
