/**
 * Recipients of a plain-text bounce report, found by layout rather than by vendor: most MTAs put
 * each failed address on a line of its own (`  user@example.com`, `<user@example.com>:`,
 * `user@example.com on <date>`), after a label (`Recipient address:`, `Addressed To:`, `Failed
 * recipient:`, `Final-Recipient: rfc822;` in a plain-text copy of a DSN), or name it in a transcript
 * (`RCPT TO:<user@example.com>`), and the reason follows until the next address. The diagnostic kept is the remote server's reply when the
 * text quotes one, else the reason text.
 */

import type { FoundRecipient } from '../domain/bounce-report.js';
import { smtpCommandIn } from './smtp-command.js';

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
    String.raw`${bullet}["']?(${addr})["']?(?:\s*:\s+|\s+on\s+|\s*\.\.\.\s*|\s+[([]|\s+-+\s+|\s+<\1>\s*)(.*)$`,
    'i',
  ),
  new RegExp(String.raw`^\s*(${addr})\s+(.*(?:error|invalid|unknown|reason|[45]\d\d).*)$`, 'i'),
  new RegExp(String.raw`\bRCPT TO:\s*<?(${addr})>?:?\s*(.*)$`, 'i'),
  new RegExp(
    String.raw`\b(?:deliver(?:ed|ing|y)?(?: (?:your|the) (?:mail|message))? to:?|not delivered to:?|(?:final-|original-|failed |invalid |unknown |bad )?recipient(?:\(s\))?(?: address(?:es)?)?:|addressed to:|failed address(?:es)?:|rcpt:|user:|userid:|errors?:)\s*(?:rfc822;\s*)?<?(${addr})>?[:.,]?\s*(.*)$`,
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

/** A line of an SMTP session transcript (Sendmail: `... while talking to host:`, `>>> RCPT`, `<<< 550`). */
const sessionLine = /^\s*(>>>|<<<)|^\s*(\.\.\.\s*)?while talking to\b/i;
const talkingTo = /^\s*(\.\.\.\s*)?while talking to\b/i;

interface Entry {
  address: string;
  lines: string[];
}

/**
 * Recipients and their reason text in a report section, merged per address in order. A session
 * transcript belongs to the recipient it names (`>>> RCPT To:<…>`) or, as Sendmail writes it, to the
 * address of the `550 <user@host>... reason` line right after it; else to the recipient it follows.
 */
export function scanRecipients(report: string): FoundRecipient[] {
  const found = new Map<string, Entry>();
  let current: Entry | undefined;
  let currentInSession = false;
  let transcript: string[] = [];
  let owner: Entry | undefined;
  const flush = () => {
    owner?.lines.push(...transcript);
    transcript = [];
    owner = undefined;
  };
  for (const line of report.split('\n')) {
    const text = line.trim();
    if (!text) continue;
    const session = sessionLine.test(text);
    const hit = recipientAt(line);
    if (hit) {
      const key = hit.address.toLowerCase();
      const entry = found.get(key) ?? { address: hit.address, lines: [] };
      found.set(key, entry);
      if (hit.closed || session) {
        entry.lines.push(...transcript, session ? text : hit.rest);
        transcript = [];
        owner = undefined;
      } else {
        flush();
        entry.lines.push(hit.rest);
      }
      current = hit.closed ? undefined : entry;
      currentInSession = session;
      continue;
    }
    if (talkingTo.test(text)) {
      flush(); // a new session: what is left of the last one names no recipient of its own
      owner = currentInSession ? undefined : current;
      current = undefined;
    } else if (session && current && !currentInSession) {
      owner = current;
      current = undefined;
    }
    if (transcript.length > 0 || (session && !current)) transcript.push(text);
    else current?.lines.push(text);
  }
  flush();
  return [...found.values()].map((r) => {
    const lines = r.lines.filter((l) => l !== '').join('\n');
    return {
      address: r.address,
      status: '',
      action: '',
      diagnosticCode: narrowDiagnostic(lines),
      command: smtpCommandIn(lines),
    };
  });
}

/** Every address in a text, lower-cased, in order of appearance. */
export function addressesIn(text: string): string[] {
  return [...text.matchAll(new RegExp(addr, 'g'))].map((m) => m[0].toLowerCase());
}
