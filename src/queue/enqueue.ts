/**
 * The one writer into the queue (Postfix's `cleanup`): a message and its deliveries go in
 * together, inside the caller's transaction, so that what was accepted is exactly what is queued.
 * Everything that sends mail (the API, mailroute's own notices) comes through here.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { newId, newOrderedId } from '../domain/ids.js';
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
/** Messages written by one statement: at most this many, and about this many bytes of content. */
const MESSAGE_CHUNK = 100;
const MESSAGE_CHUNK_BYTES = 4 * 1024 * 1024;

/** One message to queue with its deliveries (`enqueueAll`). */
export interface ToEnqueue {
  message: NewMessage;
  deliveries: NewDelivery[];
  priority: number;
  /**
   * The queued deliveries go in already claimed, `sending` under this lease (a worker of the
   * process took them from intake, `events.ts`), as if claimed in the same transaction.
   */
  lease?: { owner: string; until: number };
}

export interface Enqueued {
  messageId: string;
  message: MessagesTable;
  deliveries: DeliveriesTable[];
}

export async function enqueue(
  db: Kysely<Database>,
  message: NewMessage,
  deliveries: NewDelivery[],
  opts: { now: number; priority: number; lease?: { owner: string; until: number } },
): Promise<Enqueued> {
  const [r] = await enqueueAll(
    db,
    [{ message, deliveries, priority: opts.priority, lease: opts.lease }],
    opts.now,
  );
  return r!;
}

/**
 * Several messages with their deliveries (an intake batch), in as few statements as their rows
 * allow: on PostgreSQL each statement is a round trip, and a batch of ten messages took twenty.
 */
export async function enqueueAll(db: Kysely<Database>, items: ToEnqueue[], now: number): Promise<Enqueued[]> {
  const out = items.map((it): Enqueued => {
    const messageId = newId('msg');
    const row: MessagesTable = {
      ...it.message,
      id: messageId,
      recipient_count: it.deliveries.length,
      created_at: now,
    };
    return { messageId, message: row, deliveries: deliveryRows(row, it, now) };
  });
  let from = 0;
  while (from < out.length) {
    let to = from;
    let bytes = 0;
    while (to < out.length && to - from < MESSAGE_CHUNK && (to === from || bytes < MESSAGE_CHUNK_BYTES))
      bytes += out[to++]!.message.content.length;
    await db
      .insertInto('messages')
      .values(out.slice(from, to).map((o) => o.message))
      .execute();
    from = to;
  }
  const rows = out.length === 1 ? out[0]!.deliveries : out.flatMap((o) => o.deliveries);
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
  return out;
}

function deliveryRows(message: MessagesTable, it: ToEnqueue, now: number): DeliveriesTable[] {
  const { lease } = it;
  return it.deliveries.map((d) => ({
    id: newOrderedId('dlv'),
    org_id: message.org_id,
    message_id: message.id,
    recipient: d.recipient,
    recipient_domain: d.recipientDomain,
    type: message.type,
    priority: it.priority,
    ...(d.status === 'suppressed' || !lease
      ? { status: d.status ?? 'queued', lease_until: null, lease_owner: null }
      : { status: 'sending' as const, lease_until: lease.until, lease_owner: lease.owner }),
    route: null,
    relay_id: null,
    attempts: 0,
    next_attempt_at: now,
    personalization: d.personalization === undefined ? null : JSON.stringify(d.personalization),
    relays_tried: null,
    slowdowns: 0,
    last_status: null,
    last_reply: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
    return_path_kind: null,
    route_reasons: null,
    subject: d.subject !== undefined && d.subject !== message.subject ? d.subject : null,
  }));
}

/**
 * The due time of deliveries that earlier versions wrote on SQLite while their mass email was
 * still being received (later than any claim looks); only `dropAbandonedIntakes` still looks for
 * it, to remove what a process stopped mid-intake left behind. Intake now stages them apart
 * (`StagedDeliveries`).
 */
export const HELD_UNTIL = Number.MAX_SAFE_INTEGER;

/**
 * A big mass email, queued in chunks as its recipients arrive (`intake/submit-mass-stream.ts`).
 * `beginMessage` writes the message; `enqueueChunk` writes one chunk of its deliveries in one
 * statement, due at `dueAt`, inside the caller's transaction (PostgreSQL), or `StagedDeliveries`
 * keeps the chunks apart until the accepting transaction queues them (SQLite); `finishMessage`
 * writes what was known only at the end.
 */
export async function beginMessage(
  db: Kysely<Database>,
  message: NewMessage,
  now: number,
  messageId = newId('msg'),
): Promise<string> {
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

/**
 * Writes delivery `d` of chunk `of` as the 6 values `[id, recipient, domain, status,
 * personalization, subject]` into `out` from `at`: the row form every chunk statement below reads
 * (`r`). Ids sort by creation (`newOrderedId`), so a big mass email's rows append to its indexes.
 */
function putRow(of: ChunkOf, d: NewDelivery, out: unknown[], at: number): void {
  out[at] = newOrderedId('dlv');
  out[at + 1] = d.recipient;
  out[at + 2] = d.recipientDomain;
  out[at + 3] = d.status ?? 'queued';
  out[at + 4] = d.personalization === undefined ? null : JSON.stringify(d.personalization);
  out[at + 5] = d.subject !== undefined && d.subject !== of.subject ? d.subject : null;
}

/** A chunk's rows as one JSON text: an array of 6-value arrays (`putRow`). */
function chunkJson(of: ChunkOf, deliveries: NewDelivery[]): string {
  return JSON.stringify(
    deliveries.map((d) => {
      const row: unknown[] = new Array(6);
      putRow(of, d, row, 0);
      return row;
    }),
  );
}

const DELIVERY_COLUMNS = sql`(id, org_id, message_id, recipient, recipient_domain, type, priority,
      status, route, relay_id, attempts, next_attempt_at, lease_until, lease_owner, personalization,
      relays_tried, slowdowns, last_status, last_reply, created_at, updated_at, sent_at,
      return_path_kind, route_reasons, subject)`;

/** The select list that makes rows `r` (id, recipient, domain, status, personalization, subject) deliveries of `of`. */
const deliveryValues = (of: ChunkOf) =>
  sql`r.id, ${of.orgId}, ${of.messageId}, r.recipient, r.domain, ${of.type}, cast(${of.priority} as integer),
      r.status, null, null, 0, cast(${of.dueAt} as bigint), null, null, r.personalization,
      null, 0, null, null, cast(${of.now} as bigint), cast(${of.now} as bigint), null,
      null, null, r.subject`;

export async function enqueueChunk(
  db: Kysely<Database>,
  dialect: Dialect,
  of: ChunkOf,
  deliveries: NewDelivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  // One statement per chunk with a handful of parameters: the rows travel as one JSON text of
  // 6-value arrays, not as a parameter per column and row. (On PostgreSQL, six text arrays cost the
  // pg driver's array-to-text conversion, in JavaScript: about 3 s more CPU a million rows.)
  // Both functions name each element `value`.
  const json = chunkJson(of, deliveries);
  const elements =
    dialect === 'postgres' ? sql`jsonb_array_elements(${json}::jsonb)` : sql`json_each(${json})`;
  const rows = sql`select value ->> 0 as id, value ->> 1 as recipient, value ->> 2 as domain, value ->> 3 as status, value ->> 4 as personalization, value ->> 5 as subject from ${elements}`;
  await sql`insert into deliveries ${DELIVERY_COLUMNS} select ${deliveryValues(of)} from (${rows}) r`.execute(
    db,
  );
}

/** Rows moved from a staging table into the queue by one statement (a few hundred milliseconds). */
const STAGED_SLICE = 50_000;
/** Rows staged by one statement (6 parameters each). */
const STAGED_ROWS = 500;

/**
 * SQLite: the deliveries of a streamed mass email while its body is read, in a temporary table of
 * the connection (a file of its own, outside the database and its log, seen by no other
 * connection): nothing of the mass email is in the queue, in the log or in any count until the
 * transaction that accepts it moves them all in (`enqueue`). A refused or abandoned intake leaves
 * nothing behind (`drop`; a stopped process takes its temporary tables with it).
 */
export class StagedDeliveries {
  private readonly table: string;
  private created = false;
  private rows = 0;
  private readonly inserts = new Map<number, string>();

  constructor(
    private readonly db: Kysely<Database>,
    messageId: string,
  ) {
    this.table = `mass_intake_${messageId.replace(/^msg_/, '')}`;
  }

  /** How many deliveries are staged. */
  get size(): number {
    return this.rows;
  }

  async add(of: ChunkOf, deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    if (!this.created) {
      await sql`create temp table ${sql.id('temp', this.table)} (id text, recipient text, domain text, status text, personalization text, subject text)`.execute(
        this.db,
      );
      this.created = true;
    }
    // Rows as plain parameters, a few hundred a statement: cheaper than a JSON text to build and read.
    for (let from = 0; from < deliveries.length; from += STAGED_ROWS) {
      const n = Math.min(STAGED_ROWS, deliveries.length - from);
      const params: unknown[] = new Array(n * 6);
      for (let i = 0; i < n; i++) putRow(of, deliveries[from + i]!, params, i * 6);
      await this.db.executeQuery(CompiledQuery.raw(this.insertOf(n), params));
    }
    this.rows += deliveries.length;
  }

  /** The statement that stages `n` rows (its text made once per size, so the statement is reused). */
  private insertOf(n: number): string {
    let text = this.inserts.get(n);
    if (!text) {
      const table = `temp."${this.table}"`;
      text = `insert into ${table} (id, recipient, domain, status, personalization, subject) values ${new Array(n).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`;
      this.inserts.set(n, text);
    }
    return text;
  }

  /**
   * Inside the accepting write transaction (on the connection that staged them): queues every
   * staged delivery as a delivery of `of`, due at `of.dueAt`; returns how many. In slices, letting
   * the event loop turn between them.
   */
  async enqueue(trx: Kysely<Database>, of: ChunkOf): Promise<number> {
    if (!this.created) return 0;
    const table = sql.id('temp', this.table);
    let moved = 0;
    for (let from = 0; from < this.rows; from += STAGED_SLICE) {
      const r = await sql`insert into deliveries ${DELIVERY_COLUMNS}
        select ${deliveryValues(of)} from ${table} r
        where r.rowid > ${from} and r.rowid <= ${from + STAGED_SLICE} order by r.rowid`.execute(trx);
      moved += Number(r.numAffectedRows ?? 0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return moved;
  }

  /** Drops the staging table (after the mass email was accepted, or refused). */
  async drop(): Promise<void> {
    if (!this.created) return;
    this.created = false;
    await sql`drop table if exists ${sql.id('temp', this.table)}`.execute(this.db);
  }
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

/** Deletes a message that was never accepted and its deliveries (none of them was ever due). */
export async function dropMessage(db: Kysely<Database>, messageId: string): Promise<void> {
  await db.deleteFrom('deliveries').where('message_id', '=', messageId).execute();
  await db.deleteFrom('messages').where('id', '=', messageId).execute();
}

/**
 * Deletes the mass emails whose streamed intake a stopped process of an earlier version left half
 * done (it committed their chunks on SQLite held, `HELD_UNTIL`): none was accepted (no 202), so none
 * may be sent, and nothing else would ever remove them. Run where intake runs, before it takes
 * mail; returns their ids.
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
