/**
 * Writes the new state of many claimed deliveries in one statement: a `VALUES` list of the rows'
 * new columns joined to the table by id and lease owner, so a row whose lease another worker took
 * over is left alone, and `RETURNING` says which rows changed. One statement instead of one per
 * delivery matters on PostgreSQL, where each statement is a round trip to the server.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DeliveryStatus } from '../domain/delivery-statuses.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import type { Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';

export interface DeliveryRow {
  id: string;
  owner: string;
  status: DeliveryStatus;
  route: string | null;
  relay_id: string | null;
  attempts: number;
  next_attempt_at: number;
  last_status: string | null;
  last_reply: string | null;
  relays_tried: string | null;
  slowdowns: number;
  sent_at: number | null;
  return_path_kind: ReturnPathKind | null;
  /** Why routing chose the route (`domain/route-reasons.ts`), JSON. */
  route_reasons: string | null;
  updated_at: number;
}

/** Column, and its type for PostgreSQL (a bare parameter in VALUES would be text there). */
const COLUMNS: [keyof DeliveryRow, string][] = [
  ['id', 'text'],
  ['owner', 'text'],
  ['status', 'text'],
  ['route', 'text'],
  ['relay_id', 'text'],
  ['attempts', 'integer'],
  ['next_attempt_at', 'bigint'],
  ['last_status', 'text'],
  ['last_reply', 'text'],
  ['relays_tried', 'text'],
  ['slowdowns', 'integer'],
  ['sent_at', 'bigint'],
  ['return_path_kind', 'text'],
  ['route_reasons', 'text'],
  ['updated_at', 'bigint'],
];

const SET = COLUMNS.filter(([c]) => c !== 'id' && c !== 'owner');

/** Updates the rows still leased by their owner; returns the ids of those it changed. */
export async function writeDeliveryRows(
  db: Kysely<Database>,
  dialect: Dialect,
  rows: DeliveryRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const value = (v: unknown, type: string): RawBuilder<unknown> =>
    dialect === 'postgres' ? sql`cast(${v} as ${sql.raw(type)})` : sql`${v}`;
  const values = sql.join(rows.map((r) => sql`(${sql.join(COLUMNS.map(([c, type]) => value(r[c], type)))})`));
  const names = sql.join(COLUMNS.map(([c]) => sql.ref(c)));
  const assignments = sql.join(SET.map(([c]) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`));
  const res = await sql<{ id: string }>`
    with v (${names}) as (values ${values})
    update deliveries set ${assignments}, lease_owner = null, lease_until = null
    from v
    where deliveries.id = v.id and deliveries.lease_owner = v.owner
    returning deliveries.id`.execute(db);
  return new Set(res.rows.map((r) => r.id));
}
