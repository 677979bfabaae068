/**
 * The message exactly as it leaves: composed for the delivery, DKIM-signed with the key the route
 * calls for, and the envelope sender of the route's return-path policy.
 */

import { type SigningKey, signParts } from '../dkim/sign.js';
import type { MessageContent } from '../schemas/messages.js';
import type { DeliveriesTable, MessagesTable } from '../store/schema.js';
import { MimeTemplates, messageIdOf, type Personalization } from './compose.js';

export interface Prepared {
  raw: Buffer;
  /** The Message-ID header in `raw`. */
  messageId: string;
  envelopeFrom: string;
  signedBy: string | null;
}

const contentCache = new WeakMap<MessagesTable, MessageContent>();
const templates = new MimeTemplates();

export function contentOf(m: MessagesTable): MessageContent {
  let c = contentCache.get(m);
  if (!c) {
    c = JSON.parse(m.content) as MessageContent;
    contentCache.set(m, c);
  }
  return c;
}

export async function prepare(
  m: MessagesTable,
  d: DeliveriesTable,
  key: SigningKey | undefined,
  envelopeFrom: string,
  now: number,
): Promise<Prepared> {
  const personalization = d.personalization ? (JSON.parse(d.personalization) as Personalization) : undefined;
  const parts = await templates.composeParts(m.id, contentOf(m), {
    deliveryId: d.id,
    fromDomain: m.from_domain,
    date: new Date(m.created_at),
    personalization,
    recipientDomain: d.recipient_domain,
  });
  const raw = key ? await signParts(parts, key, new Date(now)) : Buffer.concat([parts.head, parts.body]);
  return {
    raw,
    messageId: messageIdOf(d.id, m.from_domain),
    envelopeFrom,
    signedBy: key ? `${key.selector}._domainkey.${key.domain}` : null,
  };
}
