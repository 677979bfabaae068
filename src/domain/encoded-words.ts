/**
 * Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`) in a header value, for
 * showing a subject in the log. Charsets other than UTF-8, US-ASCII and ISO-8859-1 are left as
 * written; nothing here ever throws.
 */
const WORD = /=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

function bytesOf(encoding: string, text: string): Uint8Array {
  if (encoding.toUpperCase() === 'B') {
    const bin = atob(text.replace(/[^A-Za-z0-9+/=]/g, ''));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }
  const s = text.replace(/_/g, ' ');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s[i] === '=' ? s.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(s.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

export function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(WORD, (word, charset: string, encoding: string, text: string) => {
    const cs = charset.toLowerCase();
    const label =
      cs === 'utf-8' || cs === 'utf8'
        ? 'utf-8'
        : cs === 'us-ascii' || cs === 'iso-8859-1' || cs === 'latin1'
          ? 'latin1'
          : undefined;
    if (!label) return word;
    try {
      return new TextDecoder(label).decode(bytesOf(encoding, text));
    } catch {
      return word;
    }
  });
}
