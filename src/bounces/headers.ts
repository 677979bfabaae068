/**
 * RFC 5322 header blocks as text: unfolding and `Name: value` fields. Shared by the DSN field
 * parser and by the reading of returned-message headers; no MIME decoding here.
 */

/** Joins continuation lines (starting with a space or tab) to the field they continue. */
export function unfoldLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line) && out.length > 0 && out[out.length - 1] !== '') {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`;
    } else {
      out.push(line.trimEnd());
    }
  }
  return out;
}

/** Parses `Name: value` lines into a map of lower-case names; the first occurrence wins. */
export function parseFields(lines: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    if (!(name in fields)) fields[name] = m[2]!.trim();
  }
  return fields;
}

/** The header block of a message (everything before the first blank line), as fields. */
export function parseHeaderBlock(text: string): Record<string, string> {
  const lines = unfoldLines(text.replace(/^\s*\n/, ''));
  const end = lines.indexOf('');
  return parseFields(end === -1 ? lines : lines.slice(0, end));
}
