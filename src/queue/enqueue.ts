/**
 * The one writer into the queue (Postfix's `cleanup`): a message and its deliveries go in
 * together, inside the caller's transaction, so that what was accepted is exactly what is queued.
 * Everything that sends mail (the API, mailroute's own notices) comes through here.
 */
import { type Kysely, sql } from 'kysely';
import { newId } from '../domain/ids.js';
import type { Dialect } from '../store/db.js';
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

/**
 * `lease`: the queued deliveries go in already claimed, `sending` under this lease (a worker of the
 * process took them from intake, `events.ts`), as if claimed in the same transaction.
 */
export async function enqueue(
  db: Kysely<Database>,
  message: NewMessage,
  deliveries: NewDelivery[],
  opts: { now: number; priority: number; lease?: { owner: string; until: number } },
): Promise<{ messageId: string; message: MessagesTable; deliveries: DeliveriesTable[] }> {
  const messageId = newId('msg');
  const row: MessagesTable = {
    ...message,
    id: messageId,
    recipient_count: deliveries.length,
    created_at: opts.now,
  };
  await db.insertInto('messages').values(row).execute();
  const { lease } = opts;
  const rows: DeliveriesTable[] = deliveries.map((d) => ({
    id: newId('dlv'),
    org_id: message.org_id,
    message_id: messageId,
    recipient: d.recipient,
    recipient_domain: d.recipientDomain,
    type: message.type,
    priority: opts.priority,
    ...(d.status === 'suppressed' || !lease
      ? { status: d.status ?? 'queued', lease_until: null, lease_owner: null }
      : { status: 'sending' as const, lease_until: lease.until, lease_owner: lease.owner }),
    route: null,
    relay_id: null,
    attempts: 0,
    next_attempt_at: opts.now,
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
  return { messageId, message: row, deliveries: rows };
}

/**
 * The due time of deliveries written while their mass email is still being received: later than
 * any claim looks, so no worker takes one before `releaseHeld` makes them due together.
 */
export const HELD_UNTIL = Number.MAX_SAFE_INTEGER;

/**
 * A big mass email, queued in chunks as its recipients arrive (`intake/submit-mass-stream.ts`).
 * `beginMessage` writes the message; `enqueueChunk` writes one chunk of its deliveries in one
 * statement, due at `dueAt` (now, or `HELD_UNTIL` when the chunks are committed one by one);
 * `finishMessage` writes what was known only at the end, and `releaseHeld` makes held deliveries
 * due in one statement. `dropMessage` takes back a message that was refused before it was accepted.
 */
export async function beginMessage(db: Kysely<Database>, message: NewMessage, now: number): Promise<string> {
  const messageId = newId('msg');
  await db
    .insertInto('messages')
    .values({ ...message, id: messageId, recipient_count: 0, created_at: now })
    .execute();
  return messageId;
}

export interface ChunkOf {
  messageId: string;
  orgId: string;
  type: MessagesTable['type'];
  /** The message's subject: a delivery keeps its own only when it differs. */
  subject: string;
  priority: number;
  now: number;
  dueAt: number;
}

export async function enqueueChunk(
  db: Kysely<Database>,
  dialect: Dialect,
  of: ChunkOf,
  deliveries: NewDelivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  const ids: string[] = [];
  const recipients: string[] = [];
  const domains: string[] = [];
  const statuses: string[] = [];
  const personalizations: (string | null)[] = [];
  const subjects: (string | null)[] = [];
  for (const d of deliveries) {
    ids.push(newId('dlv'));
    recipients.push(d.recipient);
    domains.push(d.recipientDomain);
    statuses.push(d.status ?? 'queued');
    personalizations.push(d.personalization === undefined ? null : JSON.stringify(d.personalization));
    subjects.push(d.subject !== undefined && d.subject !== of.subject ? d.subject : null);
  }
  // One statement per chunk with a handful of parameters: the rows travel as one JSON text
  // (SQLite) or as arrays (PostgreSQL), not as a parameter per column and row.
  const rows =
    dialect === 'postgres'
      ? sql`select * from unnest(${ids}::text[], ${recipients}::text[], ${domains}::text[], ${statuses}::text[], ${personalizations}::text[], ${subjects}::text[]) as r(id, recipient, domain, status, personalization, subject)`
      : sql`select value ->> 0 as id, value ->> 1 as recipient, value ->> 2 as domain, value ->> 3 as status, value ->> 4 as personalization, value ->> 5 as subject from json_each(${JSON.stringify(
          ids.map((id, i) => [id, recipients[i], domains[i], statuses[i], personalizations[i], subjects[i]]),
        )})`;
  await sql`insert into deliveries (id, org_id, message_id, recipient, recipient_domain, type, priority,
      status, route, relay_id, attempts, next_attempt_at, lease_until, lease_owner, personalization,
      relays_tried, slowdowns, last_status, last_reply, created_at, updated_at, sent_at,
      return_path_kind, route_reasons, subject)
    select r.id, ${of.orgId}, ${of.messageId}, r.recipient, r.domain, ${of.type}, cast(${of.priority} as integer),
      r.status, null, null, 0, cast(${of.dueAt} as bigint), null, null, r.personalization,
      null, 0, null, null, cast(${of.now} as bigint), cast(${of.now} as bigint), null,
      null, null, r.subject
    from (${rows}) r`.execute(db);
}

export async function finishMessage(
  db: Kysely<Database>,
  messageId: string,
  set: Pick<
    MessagesTable,
    'from_address' | 'from_domain' | 'content' | 'metadata' | 'size' | 'subject' | 'recipient_count'
  >,
): Promise<void> {
  await db.updateTable('messages').set(set).where('id', '=', messageId).execute();
}

/** Makes the held deliveries of a message due now; returns how many. */
export async function releaseHeld(db: Kysely<Database>, messageId: string, now: number): Promise<number> {
  const r = await db
    .updateTable('deliveries')
    .set({ next_attempt_at: now })
    .where('message_id', '=', messageId)
    .where('next_attempt_at', '=', HELD_UNTIL)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes a message that was never accepted and its deliveries (none of them was ever due). */
export async function dropMessage(db: Kysely<Database>, messageId: string): Promise<void> {
  await db.deleteFrom('deliveries').where('message_id', '=', messageId).execute();
  await db.deleteFrom('messages').where('id', '=', messageId).execute();
}

/**
 * Deletes the mass emails whose streamed intake a stopped process left half done (SQLite commits
 * their chunks held, `HELD_UNTIL`): none was accepted (no 202), so none may be sent, and nothing
 * else would ever remove them. Run where intake runs, before it takes mail; returns their ids.
 */
export async function dropAbandonedIntakes(db: Kysely<Database>): Promise<string[]> {
  const held = await db
    .selectFrom('deliveries')
    .select('message_id')
    .distinct()
    .where('next_attempt_at', '=', HELD_UNTIL)
    .execute();
  for (const { message_id } of held) await dropMessage(db, message_id);
  return held.map((h) => h.message_id);
}
