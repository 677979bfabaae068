/**
 * Page cursors of every list and export: opaque to clients, base64url JSON of the list's name and
 * the last row's sort key. Decoding is strict: a cursor that is not base64url JSON, names another
 * list, or does not hold this list's key is refused with 400 naming `cursor`, never read as "from
 * the start" (which would restart an export from its first message). Cursors carry no secret:
 * every list still filters by the caller's org, so a forged position only moves within it.
 */
import { z } from 'zod';
import { invalidField } from '../domain/errors.js';

export type CursorList =
  | 'audit-log'
  | 'bounces'
  | 'messages'
  | 'mbox'
  | 'recipients'
  | 'suppressions'
  | 'webhook-deliveries';

const sortTime = z.number().int().nonnegative();
const rowId = z.string().min(1).max(100);

/** The sort key each list pages by. */
export const cursorKeys = {
  'audit-log': z.strictObject({ at: sortTime, id: rowId }),
  bounces: z.strictObject({ id: rowId }),
  messages: z.strictObject({ at: sortTime, id: rowId }),
  mbox: z.strictObject({ at: sortTime, id: rowId }),
  recipients: z.strictObject({ at: sortTime, id: rowId }),
  suppressions: z.strictObject({ at: sortTime, address: z.string().min(1).max(320) }),
  'webhook-deliveries': z.strictObject({ id: rowId }),
} as const;

type Key<L extends CursorList> = z.infer<(typeof cursorKeys)[L]>;

export function encodeCursor<L extends CursorList>(list: L, key: Key<L>): string {
  return Buffer.from(JSON.stringify({ list, ...key })).toString('base64url');
}

const refused = () =>
  invalidField('cursor', 'is not a cursor of this list; pass back `nextCursor` as given, or leave it out');

/** The position a cursor names; undefined when none was given; 400 naming `cursor` when invalid. */
export function decodeCursor<L extends CursorList>(list: L, cursor: string | undefined): Key<L> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(cursor, 'base64url')));
  } catch {
    throw refused();
  }
  if (typeof value !== 'object' || value === null || (value as { list?: unknown }).list !== list)
    throw refused();
  const { list: _list, ...key } = value as Record<string, unknown>;
  const parsed = cursorKeys[list].safeParse(key);
  if (!parsed.success) throw refused();
  return parsed.data as Key<L>;
}
