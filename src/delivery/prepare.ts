/**
 * The message exactly as it leaves: composed for the delivery, DKIM-signed with the key the route
 * calls for, and the envelope sender of the route's return-path policy. Composition depends only on
 * what was stored at submission, so a delivery that cannot be composed never will be: that is a
 * `ComposeError`, which the engine fails for good (5.6.0) instead of retrying.
 */

import type { MessageParts } from '../dkim/canonical.js';
import { type SigningKey, signParts } from '../dkim/sign.js';
import { listUnsubscribeHeaders, unsubscribeToken } from '../domain/unsubscribe-token.js';
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

/** The stored message cannot be made into MIME for this delivery (a permanent failure). */
export class ComposeError extends Error {
  override name = 'ComposeError';
}

async function composeFor(m: MessagesTable, d: DeliveriesTable): Promise<MessageParts> {
  try {
    const personalization = d.personalization
      ? (JSON.parse(d.personalization) as Personalization)
      : undefined;
    return await templates.composeParts(m.id, contentOf(m), {
      deliveryId: d.id,
      fromDomain: m.from_domain,
      date: new Date(m.created_at),
      personalization,
      recipientDomain: d.recipient_domain,
    });
  } catch (err) {
    throw new ComposeError(`cannot compose the message: ${(err as Error).message}`, { cause: err });
  }
}

/** What the one-click unsubscribe headers of a delivery need; absent for mail that carries none. */
export interface UnsubscribeParts {
  key: Buffer;
  publicUrl: string;
  bounceDomain: string;
}

/**
 * Adds the unsubscribe header fields at the top of the header block, where the signer finds them
 * (`dkim/sign.ts` signs both). A submitter's own `List-Unsubscribe` is kept (`unsubscribe-token.ts`).
 */
function withUnsubscribe(parts: MessageParts, m: MessagesTable, d: DeliveriesTable, u: UnsubscribeParts) {
  const headers = contentOf(m).headers ?? {};
  const givenName = Object.keys(headers).find((n) => n.toLowerCase() === 'list-unsubscribe');
  const fields = listUnsubscribeHeaders({
    token: unsubscribeToken(d.id, u.key),
    publicUrl: u.publicUrl,
    bounceDomain: u.bounceDomain,
    given: givenName === undefined ? undefined : headers[givenName],
  });
  if (fields.length === 0) return parts;
  const lines = fields.map(([n, v]) => `${n}: ${v}\r\n`).join('');
  return { head: Buffer.concat([Buffer.from(lines, 'latin1'), parts.head]), body: parts.body };
}

export async function prepare(
  m: MessagesTable,
  d: DeliveriesTable,
  key: SigningKey | undefined,
  envelopeFrom: string,
  now: number,
  unsubscribe?: UnsubscribeParts,
): Promise<Prepared> {
  const composed = await composeFor(m, d);
  const parts = unsubscribe ? withUnsubscribe(composed, m, d, unsubscribe) : composed;
  const raw = key ? await signParts(parts, key, new Date(now)) : Buffer.concat([parts.head, parts.body]);
  return {
    raw,
    messageId: messageIdOf(d.id, m.from_domain),
    envelopeFrom,
    signedBy: key ? `${key.selector}._domainkey.${key.domain}` : null,
  };
}
