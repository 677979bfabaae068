/**
 * Recipients of a plain-text bounce report, found by layout rather than by vendor: most MTAs put
 * each failed address on a line of its own (`  user@example.com`, `<user@example.com>:`,
 * `user@example.com on <date>`) or name it in a transcript (`RCPT TO:<user@example.com>`), and the
 * reason follows until the next address. The diagnostic kept is the remote server's reply when the
 * text quotes one, else the reason text.
 */
import type { FoundRecipient } from './types.js';

const addr = String.raw`[A-Za-z0-9!#$%&'*+/=?^_\`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;

/** Line layouts that name a failed recipient; group 1 is the address, group 2 the rest of the line. */
const recipientLines: readonly RegExp[] = [
  new RegExp(String.raw`^\s*["'<(]*(${addr})[>"')]*\s*:?\s*$`),
  new RegExp(String.raw`^\s*<(${addr})>\s*:?\s*(.*)$`),
  new RegExp(String.raw`^\s*"?(${addr})"?(?:\s*:\s+|\s+on\s+|\s*\.\.\.\s*|\s+\(|\s+-+\s+)(.*)$`),
  new RegExp(String.raw`\bRCPT TO:\s*<(${addr})>:?\s*(.*)$`, 'i'),
  new RegExp(String.raw`\b(?:deliver(?:ing|y)?(?: your (?:mail|message))? to|not delivered to|recipient:|address:)\s*<?(${addr})>?[:.,]?\s*(.*)$`, 'i'),
];

function recipientAt(line: string): { address: string; rest: string } | undefined {
  for (const re of recipientLines) {
    const m = re.exec(line);
    if (m) return { address: m[1]!.replace(/^\.+|\.+$/g, ''), rest: (m[2] ?? '').trim() };
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
    } else if (current && line.trim()) {
      current.lines.push(line.trim());
    }
  }
  return [...found.values()].map((r) => ({
    address: r.address,
    status: '',
    action: '',
    diagnosticCode: narrowDiagnostic(r.lines.join('\n')),
  }));
}

/** Every address in a text, lower-cased, in order of appearance. */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(new RegExp(addr, 'g'))].map((m) => m[0].toLowerCase());
}
