/**
 * What the submission port needs of a message it received whole: the email type (the
 * `X-Mailroute-Type` header, taken out of the message, else the key's default), the header From
 * (one mailbox, checked as the API checks addresses), the subject for the log, the parts the virus
 * scanner sees, and the message without the type header and without Bcc (the envelope carries the
 * recipients). Anything else stays as the application wrote it, its own DKIM signature included.
 */
import addressparser from 'nodemailer/lib/addressparser';
import type { ScanPart } from '../antivirus/scan.js';
import { headerFields, messageParts } from '../dkim/canonical.js';
import type { EmailType } from '../domain/email-types.js';
import { decodeWords } from '../domain/encoded-words.js';
import { type Mailbox, parseMailbox } from '../domain/mailbox.js';
import { emailTypeOf, type SmtpAnswer, TYPE_HEADER } from '../domain/submission-rules.js';

export interface ParsedSubmission {
  type: EmailType;
  from: Mailbox;
  subject: string;
  raw: Buffer;
  parts: ScanPart[];
}

const REMOVED = new Set([TYPE_HEADER, 'bcc']);

/** The header block without the fields named in REMOVED (with their folded lines). */
function withoutRemoved(head: string): string {
  const out: string[] = [];
  let dropping = false;
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && line !== '') {
      if (!dropping) out.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    dropping = colon > 0 && REMOVED.has(line.slice(0, colon).trim().toLowerCase());
    if (!dropping) out.push(line);
  }
  return out.join('\r\n');
}

type Parsed = ReturnType<typeof addressparser>;
const addressesIn = (list: Parsed): string[] =>
  list.flatMap((a) =>
    'group' in a && Array.isArray(a.group) ? addressesIn(a.group as Parsed) : a.address ? [a.address] : [],
  );

/** The bodies and attachments, for the virus scanner (parsed only when one is configured). */
async function scanParts(raw: Buffer): Promise<ScanPart[]> {
  // mailparser (with its charset tables) takes about half a second of CPU to load: loaded at the
  // first message parsed, not by every process and test that imports the app.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipHtmlToText: true,
  });
  const parts: ScanPart[] = [];
  if (parsed.text) parts.push({ field: 'text', label: 'the text body', data: Buffer.from(parsed.text) });
  if (typeof parsed.html === 'string')
    parts.push({ field: 'html', label: 'the HTML body', data: Buffer.from(parsed.html) });
  for (const [i, a] of parsed.attachments.entries())
    parts.push({
      field: `attachments.${i}`,
      label: `attachment "${(a.filename ?? 'unnamed').replace(/[\r\n"]/g, '')}"`,
      data: a.content,
    });
  return parts;
}

/** `scan`: whether a virus scanner will look at the parts (parsing the MIME tree costs time). */
export async function parseSubmission(
  data: Buffer,
  defaultType: EmailType,
  scan = false,
): Promise<ParsedSubmission | SmtpAnswer> {
  const raw = /(?<!\r)\n/.test(data.toString('latin1'))
    ? Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')
    : data;
  const { head, body } = messageParts(raw);
  const fields = headerFields(head);
  const named = (name: string) => fields.filter((f) => f.name.trim().toLowerCase() === name);
  const typeFields = named(TYPE_HEADER);
  if (typeFields.length > 1)
    return { code: 550, message: '5.6.0 Message refused: give X-Mailroute-Type once' };
  const type = emailTypeOf(typeFields[0]?.value.replace(/\r\n/g, ''), defaultType);
  if (typeof type !== 'string') return { code: 550, message: `5.6.0 Message refused: ${type.problem}` };
  const fromFields = named('from');
  if (fromFields.length !== 1)
    return { code: 550, message: '5.6.0 Message refused: the message must have one From header' };
  const utf8 = (v: string) => Buffer.from(v.replace(/\r\n/g, ''), 'latin1').toString('utf8');
  const senders = addressesIn(addressparser(utf8(fromFields[0]!.value)));
  if (senders.length !== 1)
    return { code: 550, message: '5.6.0 Message refused: From must name exactly one mailbox' };
  const from = parseMailbox(senders[0]!);
  if (typeof from === 'string')
    return { code: 553, message: `5.1.7 Message refused: From ${senders[0]}: ${from}` };
  const subject = decodeWords(utf8(named('subject')[0]?.value ?? '')).trim();
  const kept = Buffer.from(withoutRemoved(head.toString('latin1')), 'latin1');
  return {
    type,
    from,
    subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 998),
    raw: Buffer.concat([kept, body]),
    parts: scan ? await scanParts(raw) : [],
  };
}
