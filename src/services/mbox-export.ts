/**
 * `GET /api/v1/messages/export.mbox` (SPEC R23): the org's archived messages of a time range as
 * one mbox, streamed: rows are read a page at a time and each is decompressed on its own, so an
 * export never sits in memory whole. One export holds at most `MAX_EXPORT` messages; when the range
 * has more, the response names a cursor for the next part (`X-Mailroute-Next-Cursor`).
 */
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { parseMailbox } from '../domain/mailbox.js';
import { mboxEntry } from '../domain/mbox.js';
import { decodeCursor, encodeCursor } from './cursors.js';

const gunzipAsync = promisify(gunzip);
const PAGE = 100;
export const MAX_EXPORT = 50_000;

type Position = { at: number; id: string };

export interface MboxQuery {
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

function rows(ctx: AppContext, orgId: string, q: MboxQuery) {
  let query = ctx.store.db.selectFrom('archives as a').where('a.org_id', '=', orgId);
  if (q.since) query = query.where('a.created_at', '>=', Date.parse(q.since));
  if (q.until) query = query.where('a.created_at', '<', Date.parse(q.until));
  return query;
}

/** Rows at or after (`>=`), after (`>`) or before (`<`) a position in (created_at, delivery_id) order. */
const at = (op: '>=' | '>' | '<', p: Position) =>
  sql<boolean>`(a.created_at, a.delivery_id) ${sql.raw(op)} (${p.at}, ${p.id})`;

export interface MboxExport {
  stream: Readable;
  /** Where the next part starts, when the range holds more than one export may. */
  nextCursor: string | null;
}

export async function exportMbox(ctx: AppContext, orgId: string, q: MboxQuery): Promise<MboxExport> {
  const start = decodeCursor('mbox', q.cursor);
  // The first row beyond this export's cap, found on the index before streaming starts.
  const beyond = await rows(ctx, orgId, q)
    .select(['a.created_at', 'a.delivery_id'])
    .$if(start !== undefined, (qb) => qb.where(at('>=', start!)))
    .orderBy('a.created_at')
    .orderBy('a.delivery_id')
    .offset(Math.min(q.limit ?? MAX_EXPORT, MAX_EXPORT))
    .limit(1)
    .executeTakeFirst();
  const stop: Position | undefined = beyond ? { at: beyond.created_at, id: beyond.delivery_id } : undefined;
  async function* entries() {
    let from = start;
    let op: '>=' | '>' = '>=';
    for (;;) {
      const page = rows(ctx, orgId, q)
        .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
        .innerJoin('messages as m', 'm.id', 'd.message_id')
        .select(['a.delivery_id', 'a.created_at', 'a.raw_gzip_b64', 'm.from_address'])
        .$if(from !== undefined, (qb) => qb.where(at(op, from!)))
        .$if(stop !== undefined, (qb) => qb.where(at('<', stop!)));
      const batch = await page.orderBy('a.created_at').orderBy('a.delivery_id').limit(PAGE).execute();
      for (const r of batch) {
        const raw = await gunzipAsync(Buffer.from(r.raw_gzip_b64, 'base64'));
        const sender = parseMailbox(r.from_address);
        yield mboxEntry(typeof sender === 'string' ? '' : sender.address, r.created_at, raw);
      }
      const last = batch.at(-1);
      if (!last || batch.length < PAGE) return;
      from = { at: last.created_at, id: last.delivery_id };
      op = '>';
    }
  }
  return {
    stream: Readable.from(entries(), { objectMode: false }),
    nextCursor: stop ? encodeCursor('mbox', stop) : null,
  };
}
