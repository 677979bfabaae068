/**
 * Builds the MIME of one delivery from the message stored once (nodemailer's MailComposer):
 * per-recipient merge fields and notice for mass email, `X-Mailroute-Delivery` and a Message-ID
 * naming the delivery (so bounces that lose the return path can still be matched). File and URL
 * access is off: content only ever comes from the submission.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MessageContent } from '../schemas/messages.js';

export interface Personalization {
  to?: string;
  fields?: Record<string, string>;
  notice?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Replaces `{{field}}` with the recipient's value (HTML-escaped in HTML); unknown fields become empty. */
export function merge(template: string, fields: Record<string, string> | undefined, html: boolean): string {
  return template.replace(/\{\{\s*(\w{1,64})\s*\}\}/g, (_m, name: string) => {
    const v = fields?.[name] ?? '';
    return html ? escapeHtml(v) : v;
  });
}

function personalize(c: MessageContent, p: Personalization | undefined) {
  const notice = p?.notice;
  const text = c.text === undefined ? undefined : merge(c.text, p?.fields, false);
  const html = c.html === undefined ? undefined : merge(c.html, p?.fields, true);
  return {
    subject: merge(c.subject, p?.fields, false).replace(/[\r\n]+/g, ' '),
    text: notice && text !== undefined ? `${notice}\n\n${text}` : text,
    html: notice && html !== undefined ? `<p>${escapeHtml(notice)}</p>\n${html}` : html,
  };
}

export function composeMime(
  c: MessageContent,
  d: { deliveryId: string; fromDomain: string; date: Date; personalization?: Personalization },
): Promise<Buffer> {
  const body = personalize(c, d.personalization);
  const composer = new MailComposer({
    from: c.from,
    to: d.personalization?.to ?? c.to,
    cc: c.cc.length > 0 ? c.cc : undefined,
    replyTo: c.replyTo,
    subject: body.subject,
    text: body.text,
    html: body.html,
    attachments: (c.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      encoding: 'base64',
    })),
    headers: { ...(c.headers ?? {}), 'X-Mailroute-Delivery': d.deliveryId },
    messageId: `<${d.deliveryId}@${d.fromDomain}>`,
    date: d.date,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}
