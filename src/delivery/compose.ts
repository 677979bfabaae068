/**
 * Builds the MIME of one delivery from the message stored once (nodemailer's MailComposer):
 * per-recipient merge fields and notice for mass email, `X-Mailroute-Delivery` and a Message-ID
 * naming the delivery (so bounces that lose the return path can still be matched), and the org's
 * content rules the message carries (notices and footers, R25) before anything signs it. File and
 * URL access is off: content only ever comes from the submission.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { type MessageParts, messageParts } from '../dkim/canonical.js';
import { mergedSubject } from '../domain/merge-fields.js';
import type { AppliedRule } from '../schemas/content-rules.js';
import type { MessageContent } from '../schemas/messages.js';
import { composeRaw } from './compose-raw.js';
import { additionsFor, addToHtml, addToText, rulesFor } from './content-rules.js';
import { type MergeFields, merge } from './merge.js';
import { fieldNames, type MergeTemplate, marksFor, mergeTemplate, stamp } from './merge-template.js';

export { merge };

export interface Personalization {
  to?: string;
  fields?: MergeFields;
  notice?: string;
}

interface Rendered {
  subject: string;
  text?: string;
  html?: string;
}

/** The subject and bodies merged, each place with its own fields (the same, but for templates). */
function render(
  c: MessageContent,
  rules: AppliedRule[],
  fields: { subject?: MergeFields; text?: MergeFields; html?: MergeFields },
  notice: string | undefined,
): Rendered {
  const textAdd = additionsFor(rules, fields.text, notice);
  const htmlAdd = fields.html === fields.text ? textAdd : additionsFor(rules, fields.html, notice);
  return {
    subject: mergedSubject(c.subject, fields.subject),
    text: c.text === undefined ? undefined : addToText(merge(c.text, fields.text, false), textAdd),
    html: c.html === undefined ? undefined : addToHtml(merge(c.html, fields.html, true), htmlAdd),
  };
}

function personalize(c: MessageContent, p: Personalization | undefined, recipientDomain: string | undefined) {
  const f = p?.fields;
  return render(c, rulesFor(c.rules, recipientDomain), { subject: f, text: f, html: f }, p?.notice);
}

export interface DeliveryParts {
  deliveryId: string;
  fromDomain: string;
  date: Date;
  personalization?: Personalization;
  /** Picks the content rules limited to recipient domains. */
  recipientDomain?: string;
}

/** The Message-ID of a delivery: it names the delivery, for bounces that lose the return path. */
export function messageIdOf(deliveryId: string, fromDomain: string): string {
  return `<${deliveryId}@${fromDomain}>`;
}

export function composeMime(c: MessageContent, d: DeliveryParts): Promise<Buffer> {
  if (c.raw !== undefined) return composeRaw(c, d, (parsed, parts) => composeMime(parsed, parts));
  return composeRendered(c, d, personalize(c, d.personalization, d.recipientDomain));
}

function composeRendered(c: MessageContent, d: DeliveryParts, body: Rendered): Promise<Buffer> {
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
    messageId: messageIdOf(d.deliveryId, d.fromDomain),
    date: d.date,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build().then(crlf);
}

/**
 * MailComposer keeps the bare line feeds of the content in 7bit and quoted-printable parts; the
 * SMTP client turns them into CRLF on the wire. Normalizing here makes what is signed, archived
 * and sent the same bytes (a DKIM body hash over bare LFs does not match the mail received).
 */
function crlf(raw: Buffer): Buffer {
  if (!raw.includes(0x0a)) return raw;
  const s = raw.toString('latin1');
  return /(?<!\r)\n/.test(s) ? Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1') : raw;
}

const TO_MARK = 'to.mark@mailroute.invalid';
const ID_MARK = 'mailroute-delivery-mark';
const TEMPLATES = 500;

/**
 * Composes each message once and stamps each delivery into it: for deliveries without merge fields
 * or a notice (and a plain recipient address), the MIME is built once per message with marks where
 * the recipient and the delivery id go, and each delivery only rewrites those header lines. Content
 * rules limited to recipient domains make one template per set of rules that apply.
 */
export class MimeTemplates {
  private cache = new Map<string, Promise<{ head: string; body: Buffer }>>();

  async compose(messageId: string, c: MessageContent, d: DeliveryParts): Promise<Buffer> {
    const { head, body } = await this.composeParts(messageId, c, d);
    return Buffer.concat([head, body]);
  }

  /**
   * The delivery's header block and body. Deliveries stamped from one template share the very
   * same body Buffer, which lets the signer hash that body once (`dkim/sign.ts`).
   */
  async composeParts(messageId: string, c: MessageContent, d: DeliveryParts): Promise<MessageParts> {
    const p = d.personalization;
    const to = p?.to;
    if (c.raw !== undefined) return messageParts(await composeMime(c, d));
    if (p?.notice || (to !== undefined && !/^[\x21-\x7e]+$/.test(to)))
      return messageParts(await composeMime(c, d));
    const rules = c.rules ? rulesFor(c.rules, d.recipientDomain).map((r) => r.id) : [];
    const key = rules.length > 0 ? `${messageId}|${rules.join(',')}` : messageId;
    if (p?.fields) {
      const merged = await this.merged(key, c, d, to !== undefined);
      const stamped = merged && stamp(merged, p.fields);
      if (!stamped) return messageParts(await composeMime(c, d));
      return {
        head: Buffer.from(this.stampHead(stamped.head, d, to), 'latin1'),
        body: Buffer.from(stamped.body, 'latin1'),
      };
    }
    const template = await this.template(key, c, d, to !== undefined);
    return { head: Buffer.from(this.stampHead(template.head, d, to), 'latin1'), body: template.body };
  }

  private stampHead(head: string, d: DeliveryParts, to: string | undefined): string {
    return head
      .replace(`<${ID_MARK}@`, `<${d.deliveryId}@`)
      .replace(`X-Mailroute-Delivery: ${ID_MARK}`, `X-Mailroute-Delivery: ${d.deliveryId}`)
      .replace(`To: ${TO_MARK}`, `To: ${to}`);
  }

  private mergedCache = new Map<string, Promise<MergeTemplate | undefined>>();

  /** The message composed once with marks for its merge fields (`merge-template.ts`). */
  private merged(key: string, c: MessageContent, d: DeliveryParts, personalTo: boolean) {
    let t = this.mergedCache.get(key);
    if (!t) {
      const rules = rulesFor(c.rules, d.recipientDomain);
      const names = fieldNames(c, rules);
      const marks = marksFor(names);
      const rendered = render(c, rules, marks, undefined);
      t = composeRendered(c, this.markedParts(d, personalTo), rendered).then((raw) => {
        const parts = messageParts(raw);
        return mergeTemplate(
          names,
          marks,
          rendered,
          parts.head.toString('latin1'),
          parts.body.toString('latin1'),
        );
      });
      if (this.mergedCache.size >= TEMPLATES) this.mergedCache.delete(this.mergedCache.keys().next().value!);
      this.mergedCache.set(key, t);
    }
    return t;
  }

  private markedParts(d: DeliveryParts, personalTo: boolean): DeliveryParts {
    return {
      deliveryId: ID_MARK,
      fromDomain: d.fromDomain,
      date: d.date,
      personalization: personalTo ? { to: TO_MARK } : undefined,
      recipientDomain: d.recipientDomain,
    };
  }

  /** `key`: the message id, with the ids of the domain-limited rules that apply when there are some. */
  private template(key: string, c: MessageContent, d: DeliveryParts, personalTo: boolean) {
    let t = this.cache.get(key);
    if (!t) {
      t = composeMime(c, this.markedParts(d, personalTo)).then((raw) => {
        const parts = messageParts(raw);
        return { head: parts.head.toString('latin1'), body: parts.body };
      });
      if (this.cache.size >= TEMPLATES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, t);
    }
    return t;
  }
}
