/**
 * The MIME edge of bounce parsing: mailparser reads the message once (keeping delivery-status parts
 * as attachments, which it would otherwise fold into the text) and this module hands the rest of
 * the parser a plain value: top-level headers, the readable text and the typed parts.
 */
import { simpleParser } from 'mailparser';
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
}

export async function readMail(raw: Buffer | string): Promise<BounceMail> {
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
    text: mail.text ?? '',
    parts: mail.attachments.map((a) => ({
      contentType: a.contentType.toLowerCase(),
      text: a.content.toString('utf8'),
    })),
  };
}
