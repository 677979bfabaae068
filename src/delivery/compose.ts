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

const TO_MARK = 'to.mark@mailroute.invalid';
const ID_MARK = 'mailroute-delivery-mark';
const TEMPLATES = 500;

/**
 * Composes each message once and stamps each delivery into it: for deliveries without merge fields
 * or a notice (and a plain recipient address), the MIME is built once per message with marks where
 * the recipient and the delivery id go, and each delivery only rewrites those header lines.
 */
export class MimeTemplates {
  private cache = new Map<string, Promise<{ head: string; body: Buffer }>>();

  async compose(
    messageId: string,
    c: MessageContent,
    d: { deliveryId: string; fromDomain: string; date: Date; personalization?: Personalization },
  ): Promise<Buffer> {
    const p = d.personalization;
    const to = p?.to;
    if (p?.fields || p?.notice || (to !== undefined && !/^[\x21-\x7e]+$/.test(to))) return composeMime(c, d);
    const template = await this.template(messageId, c, d, to !== undefined);
    const head = template.head
      .replace(`<${ID_MARK}@`, `<${d.deliveryId}@`)
      .replace(`X-Mailroute-Delivery: ${ID_MARK}`, `X-Mailroute-Delivery: ${d.deliveryId}`)
      .replace(`To: ${TO_MARK}`, `To: ${to}`);
    return Buffer.concat([Buffer.from(head), template.body]);
  }

  private template(
    messageId: string,
    c: MessageContent,
    d: { fromDomain: string; date: Date },
    personalTo: boolean,
  ) {
    let t = this.cache.get(messageId);
    if (!t) {
      t = composeMime(c, {
        deliveryId: ID_MARK,
        fromDomain: d.fromDomain,
        date: d.date,
        personalization: personalTo ? { to: TO_MARK } : undefined,
      }).then((raw) => {
        const split = raw.indexOf('\r\n\r\n');
        return { head: raw.subarray(0, split).toString('latin1'), body: raw.subarray(split) };
      });
      if (this.cache.size >= TEMPLATES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(messageId, t);
    }
    return t;
  }
}
