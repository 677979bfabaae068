/**
 * Mailboxes as the API takes them: `address` or `Display Name <address>`. Refuses what could
 * inject headers (CR, LF, other control characters) and addresses that are not plain dot-atoms at
 * a valid domain. Returns the address with its domain in lowercase ASCII.
 */
import { normalizeDomain } from './domain-names.js';

export interface Mailbox {
  name?: string;
  address: string;
  domain: string;
}

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(s: string): boolean {
  return CONTROL.test(s);
}

export function parseAddress(input: string): { address: string; domain: string } | string {
  if (hasControlCharacters(input)) return 'must not contain line breaks or control characters';
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || s.length > 320) return 'must be an email address';
  const local = s.slice(0, at);
  const domain = normalizeDomain(s.slice(at + 1));
  if (!domain || local.length > 64 || !LOCAL.test(local)) return 'must be an email address';
  return { address: `${local}@${domain}`, domain };
}

export function parseMailbox(input: string): Mailbox | string {
  if (hasControlCharacters(input)) return 'must not contain line breaks or control characters';
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(input);
  const parsed = parseAddress(m ? m[2]! : input);
  if (typeof parsed === 'string') return parsed;
  const name = m?.[1]?.replace(/^"(.*)"$/, '$1').trim();
  return name ? { name, ...parsed } : parsed;
}
