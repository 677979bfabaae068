/**
 * CSV as RFC 4180 writes it: comma-separated, fields with a comma, quote or line break quoted, quotes
 * doubled, CRLF between records. Reading accepts LF too and a UTF-8 byte order mark. Cells that a
 * spreadsheet would run as a formula are written with a leading apostrophe where asked (`guard`).
 */
export function csvRecord(values: readonly string[], guard: readonly boolean[] = []): string {
  return values
    .map((v, i) => {
      const s = guard[i] && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The records of a CSV text; blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let fieldStarted = false;
  const endRecord = () => {
    if (fieldStarted || record.length > 0) records.push([...record, field]);
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(line, `line ${line}: a quoted field is not closed`);
  endRecord();
  return records;
}
