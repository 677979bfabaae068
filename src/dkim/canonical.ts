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

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The relaxed body in one pass over the bytes (a delivery's body is canonicalized for every
 * signature of personalized mail): whitespace runs become one space, whitespace before a line
 * break goes, and the lines left empty at the end go; a last line without a break gets one. Only
 * CRLF ends a line, as in the message; bare CR and LF are content.
 */
export function relaxedBody(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 2);
  const n = body.length;
  let o = 0;
  /** The length of the output up to the end of its last non-empty line. */
  let kept = 0;
  /** The current line has content written (it is not empty so far). */
  let content = false;
  let space = false;
  for (let i = 0; i < n; i++) {
    const c = body[i]!;
    if (c === CR && i + 1 < n && body[i + 1] === LF) {
      out[o++] = CR;
      out[o++] = LF;
      i++;
      if (content) kept = o;
      content = false;
      space = false;
    } else if (c === SP || c === TAB) space = true;
    else {
      if (space) out[o++] = SP;
      space = false;
      out[o++] = c;
      content = true;
    }
  }
  if (content) {
    out[o++] = CR;
    out[o++] = LF;
    kept = o;
  }
  return out.subarray(0, kept);
}
