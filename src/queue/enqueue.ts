/**
 * The one writer into the queue (Postfix's `cleanup`): a message and its deliveries go in
 * together, inside the caller's transaction, so that what was accepted is exactly what is queued.
 * Everything that sends mail (the API, mailroute's own notices) comes through here.
 */
import type { Kysely } from 'kysely';
import { newId } from '../domain/ids.js';
import type { Database, DeliveriesTable, MessagesTable } from '../store/schema.js';

export interface NewDelivery {
  recipient: string;
  recipientDomain: string;
  personalization?: unknown;
  /** The subject after merge fields (mass email); kept when it differs from the message's. */
  subject?: string;
  /** Deliveries recorded but not queued, e.g. suppressed recipients of a mass email. */
  status?: 'queued' | 'suppressed';
}

export type NewMessage = Omit<MessagesTable, 'id' | 'created_at' | 'recipient_count'>;

const INSERT_CHUNK = 500;

export async function enqueue(
  db: Kysely<Database>,
  message: NewMessage,
  deliveries: NewDelivery[],
  opts: { now: number; priority: number },
): Promise<{ messageId: string; deliveries: DeliveriesTable[] }> {
  const messageId = newId('msg');
  await db
    .insertInto('messages')
    .values({ ...message, id: messageId, recipient_count: deliveries.length, created_at: opts.now })
    .execute();
  const rows: DeliveriesTable[] = deliveries.map((d) => ({
    id: newId('dlv'),
    org_id: message.org_id,
    message_id: messageId,
    recipient: d.recipient,
    recipient_domain: d.recipientDomain,
    type: message.type,
    priority: opts.priority,
    status: d.status ?? 'queued',
    route: null,
    relay_id: null,
    attempts: 0,
    next_attempt_at: opts.now,
    lease_until: null,
    lease_owner: null,
    personalization: d.personalization === undefined ? null : JSON.stringify(d.personalization),
    relays_tried: null,
    slowdowns: 0,
    last_status: null,
    last_reply: null,
    created_at: opts.now,
    updated_at: opts.now,
    sent_at: null,
    return_path_kind: null,
    route_reasons: null,
    subject: d.subject !== undefined && d.subject !== message.subject ? d.subject : null,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
  return { messageId, deliveries: rows };
}
