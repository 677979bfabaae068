/**
 * DKIM "relaxed" canonicalization (RFC 6376 §3.4.2, §3.4.4), the only one mailroute signs with:
 * header names in lowercase, values unfolded with runs of whitespace as one space and none at
 * the ends; body lines without trailing whitespace, runs of whitespace as one space, and no
 * empty lines at the end.
 */

export interface HeaderField {
  /** The name as written. */
  name: string;
  /** Everything after the first colon, unfolded lines included. */
  value: string;
}

/** A message as a header block (ending with the blank line) and a body. */
export interface MessageParts {
  head: Buffer;
  body: Buffer;
}

/** Splits a message after the blank line that ends its header block. */
export function messageParts(raw: Buffer): MessageParts {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { head: raw, body: raw.subarray(raw.length) };
  return { head: raw.subarray(0, end + 4), body: raw.subarray(end + 4) };
}

/** The header fields of a header block. */
export function headerFields(head: Buffer): HeaderField[] {
  const headers: HeaderField[] = [];
  for (const line of head.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1]!.value += `\r\n${line}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
    }
  }
  return headers;
}

export function relaxedHeader(name: string, value: string): string {
  return `${name.trim().toLowerCase()}:${value
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim()}`;
}

export function relaxedBody(body: Buffer): Buffer {
  const lines = body.toString('latin1').split('\r\n');
  const out = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return Buffer.from(out.length === 0 ? '' : `${out.join('\r\n')}\r\n`, 'latin1');
}
