/**
 * Composes a delivery of a message submitted whole (SMTP submission): the message goes out as the
 * application wrote it, its own DKIM signature included, with `X-Mailroute-Delivery` added and a
 * Message-ID naming the delivery when it has none. When content rules apply to it (notices and
 * footers, R25), the body must change anyway: the message is parsed and composed again with them,
 * as an API submission would be (the application's signature would no longer verify, so it is
 * dropped with the rest of the original header block).
 */
import { headerFields, messageParts } from '../dkim/canonical.js';
import type { MessageContent } from '../schemas/messages.js';
import { rulesFor } from './content-rules.js';

export interface RawDeliveryParts {
  deliveryId: string;
  fromDomain: string;
  date: Date;
  recipientDomain?: string;
}

type Compose = (c: MessageContent, d: RawDeliveryParts) => Promise<Buffer>;

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

export async function composeRaw(c: MessageContent, d: RawDeliveryParts, compose: Compose): Promise<Buffer> {
  const raw = Buffer.from(c.raw!, 'base64');
  if (rulesFor(c.rules, d.recipientDomain).length > 0) return compose(await reparsed(c, raw), d);
  const { head, body } = messageParts(raw);
  const names = new Set(headerFields(head).map((h) => h.name.trim().toLowerCase()));
  const added = [`X-Mailroute-Delivery: ${d.deliveryId}`];
  if (!names.has('message-id')) added.push(`Message-ID: <${d.deliveryId}@${d.fromDomain}>`);
  if (!names.has('date')) added.push(`Date: ${d.date.toUTCString().replace('GMT', '+0000')}`);
  const headText = crlf(head.toString('latin1'));
  const complete = headText.endsWith('\r\n\r\n') ? headText : `${headText.replace(/(\r\n)*$/, '')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(`${added.join('\r\n')}\r\n${complete}`, 'latin1'), body]);
}

/** The message as structured content, for composing it again with content rules. */
async function reparsed(c: MessageContent, raw: Buffer): Promise<MessageContent> {
  // mailparser (with its charset tables) takes about half a second of CPU to load: loaded at the
  // first message parsed, not by every process and test that imports the app.
  const { simpleParser } = await import('mailparser');
  const p = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const list = (a: typeof p.to) =>
    (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? '').filter(Boolean));
  return {
    from: p.from?.text ?? c.from,
    to: list(p.to),
    cc: list(p.cc),
    replyTo: p.replyTo?.value[0]?.address,
    subject: p.subject ?? c.subject,
    text: p.text,
    html: typeof p.html === 'string' ? p.html : undefined,
    attachments: p.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      content: a.content.toString('base64'),
    })),
    rules: c.rules,
  };
}
