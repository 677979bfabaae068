/**
 * The returned message inside a bounce: its headers, read from a message/rfc822 or
 * text/rfc822-headers part, else from the text after the report. Mailroute matches bounces to
 * deliveries by `X-Mailroute-Delivery` and `Message-ID` (SPEC R17, fixed return path).
 */
import { parseHeaderBlock } from './headers.js';
import type { BounceMail } from './mime.js';
import { headerRunIn, returnedHeaderText } from './sections.js';

const kept = ['message-id', 'x-mailroute-delivery', 'from', 'to', 'subject', 'date', 'return-path'];
const returnedTypes = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export function originalHeaders(mail: BounceMail, returnedText: string): Record<string, string> {
  const part = mail.parts.find((p) => returnedTypes.has(p.contentType));
  const sources = [part?.text ?? '', returnedHeaderText(returnedText), headerRunIn(mail.text)];
  for (const source of sources) {
    const all = parseHeaderBlock(source);
    const out: Record<string, string> = {};
    for (const name of kept) if (all[name]) out[name] = all[name]!;
    if (Object.keys(out).length > 0) return out;
  }
  return {};
}
