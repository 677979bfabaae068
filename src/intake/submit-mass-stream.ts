/**
 * A big mass email taken as its body arrives (issue 22: a million recipients within 1 GB): the
 * members of the body come one by one, and its recipients in chunks, each checked with the same
 * zod rules as a small one, looked up in the suppression list and written in one statement, then
 * let go. Nothing per recipient is kept in memory but its lowercased address (duplicates are
 * skipped as in `submitMassEmail`).
 *
 * It is all or nothing, as a small mass email: a bad recipient anywhere, a From that is not the
 * org's or the plan's daily limit refuses it whole, and nothing of it is in the queue, the log or
 * any count before it is accepted. On PostgreSQL everything is one transaction (other transactions
 * do not see its rows, and its row locks block no claim), and each chunk goes into the queue
 * (`enqueueChunk`) while the next one is checked. On SQLite a write transaction blocks every other
 * writer, workers included, so the chunks wait in a temporary table of the connection
 * (`StagedDeliveries`), and the transaction that reserves the plan's limit moves them all into the
 * queue; a refused mass email's staging table is dropped.
 * The 202 goes out after `syncAccepted`, as for every accepted submission.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { type AppError, invalidField, invalidFields } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { type Mailbox, parseMailbox } from '../domain/mailbox.js';
import { typePriority } from '../domain/routing.js';
import {
  beginMessage,
  type ChunkOf,
  enqueueChunk,
  finishMessage,
  type NewDelivery,
  type NewMessage,
  StagedDeliveries,
} from '../queue/enqueue.js';
import { issueOfZod } from '../schemas/field-issues.js';
import {
  MAX_MASS_RECIPIENTS,
  type MassEmailHead,
  type MassRecipient,
  massEmailHeadSchema,
  massRecipientSchema,
  plainMassRecipient,
} from '../schemas/messages.js';
import { suppressedAmong } from '../store/repos/suppressions.js';
import type { Database } from '../store/schema.js';
import { writeTransaction } from '../store/write-transaction.js';
import { checkMassHead, massContent, massDelivery, reservePlan } from './submit.js';

/** A piece of the body: a member of the top-level object, or one element of `recipients`. */
export type MassBodyPiece =
  | { kind: 'member'; key: string; value: unknown }
  | { kind: 'list'; key: string }
  | { kind: 'element'; index: number; value: unknown };

export interface MassStreamOptions {
  /** Recipients checked and queued together (`MAILROUTE_MASS_INTAKE_CHUNK`). */
  chunkSize: number;
}

interface Element {
  index: number;
  value: unknown;
}

/** The head's zod issues as a 400, each field named as in the body. */
function refuseHead(issues: { path: readonly PropertyKey[]; message: string; code?: string }[]): AppError {
  const found = issues.map((i) => issueOfZod(i));
  return invalidFields(`invalid body: ${found.map((f) => `${f.field}: ${f.message}`).join('; ')}`, found);
}

export async function submitMassEmailStream(
  ctx: AppContext,
  actor: Principal,
  body: AsyncIterable<MassBodyPiece>,
  opts: MassStreamOptions,
): Promise<{ messageId: string; accepted: number; suppressed: number }> {
  const { store } = ctx;
  const orgId = actor.orgId;
  const now = ctx.clock.now();
  const priority = typePriority('mass');
  const messageId = newId('msg');
  const head: Record<string, unknown> = {};
  let headChecked: { keys: number; head: MassEmailHead; size: number } | undefined;
  let sawRecipients = false;
  let count = 0;
  let queued = 0;
  let suppressedCount = 0;
  const seen = new Set<string>();
  let pending: Element[] = [];
  let begun = false;
  // The write of the chunk before: on PostgreSQL the next chunk is checked while it runs.
  let writing: Promise<void> | undefined;

  /** Checks the head as far as it has come; the checks that need the database only once it is whole. */
  const checkHead = async (final: boolean): Promise<void> => {
    const keys = Object.keys(head).length;
    if (headChecked?.keys === keys) return;
    const r = massEmailHeadSchema.safeParse(head);
    if (!r.success) {
      // Early, only what more members cannot mend: a member present and wrong, an unknown one.
      const lasting = r.error.issues.filter(
        (i) => i.code === 'unrecognized_keys' || (i.path[0] !== undefined && String(i.path[0]) in head),
      );
      if (final || lasting.length > 0) throw refuseHead(final ? r.error.issues : lasting);
      return;
    }
    headChecked = { keys, head: r.data, size: await checkMassHead(ctx, orgId, r.data) };
  };

  /** The message as far as it is known: its From and subject may come after the recipients. */
  const placeholder = (): NewMessage => {
    const from = parseMailbox(String(head.from));
    return {
      org_id: orgId,
      type: 'mass',
      from_address: typeof from === 'string' ? '' : from.address,
      from_domain: typeof from === 'string' ? '' : from.domain,
      subject: head.subject as string,
      content: '{}',
      metadata: null,
      size: 0,
      submitted_by: actor.label,
    };
  };

  /** Checks a chunk of recipients (a 400 names the first bad one) and makes their deliveries. */
  const deliveriesOf = async (chunk: Element[], subject: string): Promise<NewDelivery[]> => {
    const recipients: MassRecipient[] = new Array(chunk.length);
    const boxes: Mailbox[] = new Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const { index, value } = chunk[i]!;
      // Each address parsed once: for its check, the suppression list and the delivery.
      const plain = plainMassRecipient(value);
      if (plain) {
        recipients[i] = plain.recipient;
        boxes[i] = plain.box;
        continue;
      }
      const r = massRecipientSchema.safeParse(value);
      if (!r.success) {
        const found = r.error.issues.map((i) => issueOfZod(i, ['recipients', index, ...i.path].join('.')));
        throw invalidFields(
          `invalid body: ${found.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
          found,
        );
      }
      recipients[i] = r.data;
      boxes[i] = parseMailbox(r.data.address) as Mailbox;
    }
    const listed = await suppressedAmong(
      store,
      orgId,
      boxes.map((b) => b.address),
      'mass',
    );
    const deliveries: NewDelivery[] = [];
    for (const [i, r] of recipients.entries()) {
      const d = massDelivery(r, subject, seen, (a) => listed.has(a), boxes[i]);
      if (!d) continue;
      deliveries.push(d);
      if (d.status === 'suppressed') suppressedCount++;
      else queued++;
    }
    return deliveries;
  };

  const queueChunk = async (
    chunk: Element[],
    write: (of: ChunkOf, deliveries: NewDelivery[]) => Promise<void>,
    begin: (() => Promise<void>) | undefined,
  ): Promise<void> => {
    const subject = head.subject as string;
    if (!begun) {
      await checkHead(false);
      await begin?.();
      begun = true;
    }
    const deliveries = await deliveriesOf(chunk, subject);
    await writing;
    writing = write({ messageId, orgId, type: 'mass', subject, priority, now, dueAt: now }, deliveries);
    // Awaited before the next write and at the end; not left unhandled while the next chunk is read.
    writing.catch(() => {});
  };

  /** Reads the whole body, writing its recipients in chunks with `write` as they come. */
  const read = async (
    write: (of: ChunkOf, deliveries: NewDelivery[]) => Promise<void>,
    begin?: () => Promise<void>,
  ): Promise<void> => {
    try {
      for await (const piece of body) {
        if (piece.kind === 'list') {
          sawRecipients = true;
          continue;
        }
        if (piece.kind === 'member') {
          if (piece.key === 'recipients')
            throw invalidField('recipients', 'must be a list of recipients', 'invalid_type', {
              expected: 'array',
            });
          head[piece.key] = piece.value;
          continue;
        }
        if (++count > MAX_MASS_RECIPIENTS)
          throw invalidField('recipients', `must name at most ${MAX_MASS_RECIPIENTS} recipients`, 'too_big', {
            maximum: MAX_MASS_RECIPIENTS,
            origin: 'array',
          });
        pending.push(piece);
        // Merged subjects need the subject: recipients sent before it wait for it.
        if (pending.length >= opts.chunkSize && typeof head.subject === 'string') {
          const chunk = pending;
          pending = [];
          await queueChunk(chunk, write, begin);
        }
      }
      if (!sawRecipients) throw invalidField('recipients', 'is required', 'required');
      if (count === 0)
        throw invalidField('recipients', 'must name at least one recipient', 'too_small', {
          minimum: 1,
          origin: 'array',
        });
      await checkHead(true);
      for (let i = 0; i < pending.length; i += opts.chunkSize)
        await queueChunk(pending.slice(i, i + opts.chunkSize), write, begin);
      pending = [];
      await writing;
    } catch (err) {
      // A write still running finishes (or fails) before the caller rolls back or cleans up.
      await writing?.catch(() => {});
      throw err;
    }
  };

  /** Writes what was known only at the end, and reserves the plan's limit: the acceptance itself. */
  const complete = async (trx: Kysely<Database>, content: string): Promise<void> => {
    const h = headChecked!.head;
    const from = parseMailbox(h.from) as { address: string; domain: string };
    await reservePlan(ctx, trx, orgId, queued);
    await finishMessage(trx, messageId, {
      from_address: from.address,
      from_domain: from.domain,
      subject: h.subject,
      content,
      metadata: h.metadata ? JSON.stringify(h.metadata) : null,
      size: headChecked!.size,
      recipient_count: queued + suppressedCount,
    });
  };

  if (store.dialect === 'postgres') {
    await store.db.transaction().execute(async (trx) => {
      await read(
        (of, deliveries) => enqueueChunk(trx, store.dialect, of, deliveries),
        async () => void (await beginMessage(trx, placeholder(), now, messageId)),
      );
      await complete(trx, JSON.stringify(await massContent(ctx, orgId, headChecked!.head)));
    });
  } else {
    const staged = new StagedDeliveries(store.db, messageId);
    try {
      await read((of, deliveries) => staged.add(of, deliveries));
      // Read before the write transaction: on SQLite it holds the one connection.
      const content = JSON.stringify(await massContent(ctx, orgId, headChecked!.head));
      await writeTransaction(store, async (trx) => {
        await beginMessage(trx, placeholder(), now, messageId);
        await complete(trx, content);
        const of = {
          messageId,
          orgId,
          type: 'mass' as const,
          subject: headChecked!.head.subject,
          priority,
          now,
          dueAt: now,
        };
        const moved = await staged.enqueue(trx, of);
        if (moved !== queued + suppressedCount)
          throw new Error(
            `mass email ${messageId}: ${moved} staged deliveries, expected ${queued + suppressedCount}`,
          );
      });
    } finally {
      await staged.drop();
    }
  }
  await store.syncAccepted();
  return { messageId, accepted: queued, suppressed: suppressedCount };
}
