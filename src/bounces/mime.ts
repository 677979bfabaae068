/**
 * The MIME edge of bounce parsing: mailparser reads the message once (keeping delivery-status parts
 * as attachments, which it would otherwise fold into the text) and this module hands the rest of
 * the parser a plain value: top-level headers, the readable text and the typed parts.
 */
import { parseFields, unfoldLines } from './headers.js';

export interface MailPart {
  /** Lower-case media type, e.g. `message/delivery-status`. */
  contentType: string;
  text: string;
}

export interface BounceMail {
  /** Top-level header fields, lower-case names, first occurrence. */
  headers: Record<string, string>;
  subject: string;
  fromAddress: string;
  fromName: string;
  /** Lower-case report-type parameter of a multipart/report, else ''. */
  reportType: string;
  /** The human-readable text (text/plain parts, or HTML converted to text). */
  text: string;
  parts: MailPart[];
  /** The undecoded body, for messages whose MIME structure is too broken to yield any text. */
  rawBody: string;
}

function rawBodyOf(raw: Buffer | string): string {
  const text = (typeof raw === 'string' ? raw : raw.toString('latin1')).replace(/\r\n?/g, '\n');
  const end = text.indexOf('\n\n');
  return end === -1 ? '' : text.slice(end + 2);
}

/** A raw body without boundary and part-header lines: the best text a broken message offers. */
function withoutMimeLines(body: string): string {
  return body
    .split('\n')
    .filter((l) => !/^--[^\s]+$/.test(l) && !/^(Content-[A-Za-z-]+:|\s+boundary=|boundary=)/i.test(l))
    .join('\n');
}

export async function readMail(raw: Buffer | string): Promise<BounceMail> {
  // mailparser (with its charset tables) takes about half a second of CPU to load: loaded at the
  // first message parsed, not by every process and test that imports the app.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw, {
    keepDeliveryStatus: true,
    skipHtmlToText: false,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  const headers = parseFields(unfoldLines(mail.headerLines.map((h) => h.line).join('\n')));
  const contentType = mail.headers.get('content-type');
  const params =
    contentType && typeof contentType === 'object' && 'params' in contentType
      ? (contentType.params as Record<string, string>)
      : {};
  const from = mail.from?.value[0];
  return {
    headers,
    subject: mail.subject ?? '',
    fromAddress: (from?.address ?? '').toLowerCase(),
    fromName: from?.name ?? '',
    reportType: (params['report-type'] ?? '').toLowerCase(),
    text: mail.text?.trim() ? mail.text : withoutMimeLines(rawBodyOf(raw)),
    parts: mail.attachments.map((a) => ({
      contentType: a.contentType.toLowerCase(),
      text: a.content.toString('utf8'),
    })),
    rawBody: rawBodyOf(raw),
  };
}
