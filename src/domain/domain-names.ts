/**
 * Domain names and email addresses: normalization (lowercase, IDNA to ASCII) and validation. Uses
 * only the WHATWG `URL` API, so the server and the console run the same code.
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The URL standard's "domain to ASCII" of `input`, or '' when it is not a valid domain: what
 * `domainToASCII` of `node:url` returns, computed with the `URL` hostname setter (Node's own
 * parser on the server). The setter leaves the host unchanged on invalid input, so a result equal
 * to the starting host is checked once more from another one.
 */
export function domainToASCII(input: string): string {
  const url = new URL('ws://a');
  url.hostname = input;
  if (url.hostname !== 'a') return url.hostname;
  url.hostname = 'b';
  url.hostname = input;
  return url.hostname === 'a' ? 'a' : '';
}

const normalized = new Map<string, string | undefined>();
/** Distinct names remembered; then forgotten all at once (a mass email names few domains). */
const NORMALIZED_KEPT = 10_000;

/** The ASCII, lowercase form of a domain name, or undefined when it is not a valid one. */
export function normalizeDomain(input: string): string | undefined {
  const known = normalized.get(input);
  if (known !== undefined || normalized.has(input)) return known;
  const result = normalizeUncached(input);
  if (normalized.size >= NORMALIZED_KEPT) normalized.clear();
  normalized.set(input, result);
  return result;
}

function normalizeUncached(input: string): string | undefined {
  const trimmed = input.trim().replace(/\.$/, '');
  // The URL parser stops a host at `?` and `#` and decodes `%41`: none of them belongs in a name.
  if (!trimmed || /[\s/@:?#%\\[\]]/.test(trimmed)) return undefined;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  if (/^\d+$/.test(labels.at(-1)!)) return undefined;
  return ascii;
}

/** The domain part of an address, normalized; undefined for an address without a valid domain. */
export function addressDomain(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at > 0 ? normalizeDomain(address.slice(at + 1)) : undefined;
}

/** True when `domain` is `parent` or one of its subdomains. */
export function isWithinDomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}
