/**
 * Recipients of a plain-text bounce report, found by layout rather than by vendor: most MTAs put
 * each failed address on a line of its own (`  user@example.com`, `<user@example.com>:`,
 * `user@example.com on <date>`) or name it in a transcript (`RCPT TO:<user@example.com>`), and the
 * reason follows until the next address. The diagnostic kept is the remote server's reply when the
 * text quotes one, else the reason text.
 */
import { smtpCommandIn } from './smtp-command.js';
import type { FoundRecipient } from './types.js';

const addr = String.raw`[A-Za-z0-9!#$%&'*+/=?^_\`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;

/**
 * Line layouts that name a failed recipient; group 1 is the address, group 2 the rest of the line.
 * `closedLines` carry the whole reason on the line (Sendmail's `550 <user@host>... reason`).
 */
const closedLines: readonly RegExp[] = [new RegExp(String.raw`^\s*[45]\d\d[- ]<(${addr})>\.\.\.\s*(.*)$`)];
const bullet = String.raw`^\s*(?:[*•>-]+\s*)?`;
const recipientLines: readonly RegExp[] = [
  new RegExp(String.raw`${bullet}["'<(]*(${addr})[>"')]*\s*(?:<\1>)?\s*:?\s*$`, 'i'),
  new RegExp(String.raw`${bullet}<(${addr})>\s*:?\s*(.*)$`),
  new RegExp(
    String.raw`${bullet}"?(${addr})"?(?:\s*:\s+|\s+on\s+|\s*\.\.\.\s*|\s+[([]|\s+-+\s+|\s+<\1>\s*)(.*)$`,
    'i',
  ),
  new RegExp(String.raw`^\s*(${addr})\s+(.*(?:error|invalid|unknown|reason|[45]\d\d).*)$`, 'i'),
  new RegExp(String.raw`\bRCPT TO:\s*<?(${addr})>?:?\s*(.*)$`, 'i'),
  new RegExp(
    String.raw`\b(?:deliver(?:ed|ing|y)?(?: (?:your|the) (?:mail|message))? to:?|not delivered to:?|recipient:|user:|userid:|errors?:)\s*<?(${addr})>?[:.,]?\s*(.*)$`,
    'i',
  ),
];

function recipientAt(line: string): { address: string; rest: string; closed: boolean } | undefined {
  for (const re of [...closedLines, ...recipientLines]) {
    const m = re.exec(line);
    if (m) {
      const address = m[1]!.replace(/^\.+|\.+$/g, '');
      return { address, rest: (m[2] ?? '').trim(), closed: closedLines.includes(re) };
    }
  }
  return undefined;
}

/** From the first quoted SMTP reply on, else the whole text; whitespace collapsed, bounded. */
export function narrowDiagnostic(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /(?<![\w.#-])[45]\d\d[ -](?=\s*\S)/.exec(flat);
  const from = m && m.index > 0 ? flat.slice(m.index) : flat;
  return from.length > 1000 ? from.slice(0, 1000) : from;
}

/** Recipients and their reason text in a report section, merged per address in order. */
export function scanRecipients(report: string): FoundRecipient[] {
  const found = new Map<string, { address: string; lines: string[] }>();
  let current: { address: string; lines: string[] } | undefined;
  for (const line of report.split('\n')) {
    const hit = recipientAt(line);
    if (hit) {
      const key = hit.address.toLowerCase();
      current = found.get(key) ?? { address: hit.address, lines: [] };
      found.set(key, current);
      if (hit.rest) current.lines.push(hit.rest);
      if (hit.closed) current = undefined;
    } else if (current && line.trim()) {
      current.lines.push(line.trim());
    }
  }
  return [...found.values()].map((r) => ({
    address: r.address,
    status: '',
    action: '',
    diagnosticCode: narrowDiagnostic(r.lines.join('\n')),
    command: smtpCommandIn(r.lines.join('\n')),
  }));
}

/** Every address in a text, lower-cased, in order of appearance. */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(new RegExp(addr, 'g'))].map((m) => m[0].toLowerCase());
}
