/**
 * Where the report of a plain-text bounce ends and the returned message begins. MTAs mark it with
 * a separator line ("--- Below this line is a copy of the message.", "----- Original message -----",
 * "Message headers follow.") or simply start the returned headers; both are recognised here.
 */

const separators: readonly RegExp[] = [
  /^\s*-{2,}.*(copy of|original message|returned message|unsent message|undelivered message|message follows|received message|headers? (of|follow)|message text|rfc ?822|below this line).*$/i,
  /^\s*(message headers follow|original message follows|(the )?(original message|header of the original message|original message headers?) (is|are|was|were) (following|below|attached|as follows|included|enclosed)|original mail as follows|below is a copy of the original message)\b.*$/i,
  /^\s*(Return-Path|Received|DKIM-Signature|X-Received|ARC-Seal|Message-I[dD]|MIME-Version|Delivered-To):[ \t]?/,
];

const headerLine = /^[A-Za-z][A-Za-z0-9-]*:[ \t]/;

/**
 * Where the returned message starts: `end` is the last report line + 1, `start` the first line of
 * the returned message (after a separator line, or at its first header). Both are the number of
 * lines when nothing marks it.
 */
export function returnedMessageStart(lines: readonly string[]): { end: number; start: number } {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (separators[0]!.test(line) || separators[1]!.test(line)) return { end: i, start: i + 1 };
    if (separators[2]!.test(line) && /^([A-Za-z][A-Za-z0-9-]*:|[ \t])/.test(lines[i + 1] ?? '')) {
      return { end: i, start: i };
    }
  }
  return { end: lines.length, start: lines.length };
}

/** Splits a bounce's text into the report and the returned message (separator excluded). */
export function splitReport(text: string): { report: string; returned: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const { end, start } = returnedMessageStart(lines);
  return { report: lines.slice(0, end).join('\n'), returned: lines.slice(start).join('\n') };
}

/** The returned message's header block inside a text, starting at its first header line. */
export function returnedHeaderText(returned: string): string {
  const lines = returned.split('\n');
  const first = lines.findIndex((l) => headerLine.test(l.trimStart()));
  if (first === -1) return '';
  const indent = /^\s*/.exec(lines[first]!)![0].length;
  return lines
    .slice(first)
    .map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)![0].length)))
    .join('\n');
}

const returnedField =
  /^\s*(From|To|Subject|Date|Message-I[dD]|Return-Path|Received|MIME-Version|X-Mailroute-Delivery):[ \t]/;

/** The first run of two or more returned-message header lines anywhere in a text, else ''. */
export function headerRunIn(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const i = lines.findIndex((l, n) => returnedField.test(l) && returnedField.test(lines[n + 1] ?? ''));
  return i === -1 ? '' : returnedHeaderText(lines.slice(i).join('\n'));
}
