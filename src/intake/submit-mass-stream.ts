/**
 * A big mass email taken as its body arrives (issue 22: a million recipients within 1 GB): the
 * members of the body come one by one, and its recipients in chunks, each checked with the same
 * zod rules as a small one, looked up in the suppression list and queued by `enqueueChunk` in one
 * statement, then let go. Nothing per recipient is kept but its lowercased address (duplicates are
 * skipped as in `submitMassEmail`).
 *
 * It is all or nothing, as a small mass email: a bad recipient anywhere, a From that is not the
 * org's or the plan's daily limit refuses it whole, and no delivery of it is ever claimed before
 * it is accepted. On PostgreSQL everything is one transaction (other transactions do not see its
 * rows, and its row locks block no claim). On SQLite a write transaction blocks every other
 * writer, workers included, so each chunk commits on its own with its deliveries held
 * (`HELD_UNTIL`: no claim sees them as due), and one statement makes them all due, in the
 * transaction that reserves the plan's limit; a refused mass email's rows are deleted.
 * The 202 goes out after `syncAccepted`, as for every accepted submission.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { type AppError, invalidField, invalidFields } from '../domain/errors.js';
import { type Mailbox, parseMailbox } from '../domain/mailbox.js';
import { typePriority } from '../domain/routing.js';
import {
  beginMessage,
  dropMessage,
  enqueueChunk,
  finishMessage,
  HELD_UNTIL,
  type NewDelivery,
  releaseHeld,
} from '../queue/enqueue.js';
import { issueOfZod } from '../schemas/field-issues.js';
import {
  MAX_MASS_RECIPIENTS,
  type MassEmailHead,
  massEmailHeadSchema,
  massRecipientSchema,
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
  const head: Record<string, unknown> = {};
  let headChecked: { keys: number; head: MassEmailHead; size: number } | undefined;
  let sawRecipients = false;
  let count = 0;
  let queued = 0;
  let suppressedCount = 0;
  const seen = new Set<string>();
  let pending: Element[] = [];
  let messageId: string | undefined;

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

  const queueChunk = async (db: Kysely<Database>, chunk: Element[], dueAt: number): Promise<void> => {
    const subject = head.subject as string;
    const recipients = chunk.map(({ index, value }) => {
      const r = massRecipientSchema.safeParse(value);
      if (r.success) return r.data;
      const found = r.error.issues.map((i) => issueOfZod(i, ['recipients', index, ...i.path].join('.')));
      throw invalidFields(`invalid body: ${found.map((f) => `${f.field}: ${f.message}`).join('; ')}`, found);
    });
    if (messageId === undefined) {
      await checkHead(false);
      const from = parseMailbox(String(head.from));
      messageId = await beginMessage(
        db,
        {
          org_id: orgId,
          type: 'mass',
          from_address: typeof from === 'string' ? '' : from.address,
          from_domain: typeof from === 'string' ? '' : from.domain,
          subject,
          content: '{}',
          metadata: null,
          size: 0,
          submitted_by: actor.label,
        },
        now,
      );
    }
    // Each address parsed once (the schema has checked it): for the suppression list and the delivery.
    const boxes = recipients.map((r) => parseMailbox(r.address) as Mailbox);
    const listed = await suppressedAmong(
      store.db,
      orgId,
      boxes.map((b) => b.address),
    );
    const deliveries: NewDelivery[] = [];
    for (const [i, r] of recipients.entries()) {
      const d = massDelivery(r, subject, seen, (a) => listed.has(a), boxes[i]);
      if (!d) continue;
      deliveries.push(d);
      if (d.status === 'suppressed') suppressedCount++;
      else queued++;
    }
    await enqueueChunk(
      db,
      store.dialect,
      { messageId, orgId, type: 'mass', subject, priority, now, dueAt },
      deliveries,
    );
  };

  /** Reads the whole body, queueing its recipients in chunks through `db` as they come. */
  const read = async (db: Kysely<Database>, dueAt: number): Promise<void> => {
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
        await queueChunk(db, chunk, dueAt);
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
      await queueChunk(db, pending.slice(i, i + opts.chunkSize), dueAt);
    pending = [];
  };

  /** Writes what was known only at the end, and reserves the plan's limit: the acceptance itself. */
  const complete = async (trx: Kysely<Database>, content: string): Promise<void> => {
    const h = headChecked!.head;
    const from = parseMailbox(h.from) as { address: string; domain: string };
    await reservePlan(ctx, trx, orgId, queued);
    await finishMessage(trx, messageId!, {
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
      await read(trx, now);
      await complete(trx, JSON.stringify(await massContent(ctx, orgId, headChecked!.head)));
    });
  } else {
    try {
      await read(store.db, HELD_UNTIL);
      // Read before the write transaction: on SQLite it holds the one connection.
      const content = JSON.stringify(await massContent(ctx, orgId, headChecked!.head));
      await writeTransaction(store, async (trx) => {
        await complete(trx, content);
        const released = await releaseHeld(trx, messageId!, now);
        if (released !== queued + suppressedCount)
          throw new Error(
            `mass email ${messageId}: ${released} held deliveries, expected ${queued + suppressedCount}`,
          );
      });
    } catch (err) {
      if (messageId !== undefined) await dropMessage(store.db, messageId);
      throw err;
    }
  }
  await store.syncAccepted();
  return { messageId: messageId!, accepted: queued, suppressed: suppressedCount };
}
