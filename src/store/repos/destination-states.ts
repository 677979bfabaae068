/**
 * A destination's shared state (issue 21, `destination_states`): the pause a pushback set, with the
 * reply that set it, and the rate halvings in force since `halved_at`. One row per rule id, read by
 * every process before sending to the destination.
 */
import type { Kysely } from 'kysely';
import type { Database, DestinationStatesTable } from '../schema.js';

export type DestinationState = DestinationStatesTable;

export async function readStates(
  db: Kysely<Database>,
  destinations?: string[],
): Promise<Map<string, DestinationState>> {
  let q = db.selectFrom('destination_states').selectAll();
  if (destinations) {
    if (destinations.length === 0) return new Map();
    q = q.where('destination', 'in', destinations);
  }
  const rows = await q.execute();
  return new Map(
    rows.map((r) => [
      r.destination,
      {
        ...r,
        paused_until: r.paused_until === null ? null : Number(r.paused_until),
        halvings: Number(r.halvings),
        halved_at: Number(r.halved_at),
        updated_at: Number(r.updated_at),
      },
    ]),
  );
}

async function upsert(
  db: Kysely<Database>,
  destination: string,
  set: Partial<Omit<DestinationState, 'destination'>>,
  now: number,
): Promise<void> {
  await db
    .insertInto('destination_states')
    .values({
      destination,
      paused_until: null,
      paused_reply: null,
      halvings: 0,
      halved_at: 0,
      ...set,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('destination').doUpdateSet({ ...set, updated_at: now }))
    .execute();
}

/** Pauses the destination until `until` (never shortens a longer pause already set). */
export async function pauseDestination(
  db: Kysely<Database>,
  destination: string,
  until: number,
  reply: string,
  now: number,
): Promise<void> {
  const current = (await readStates(db, [destination])).get(destination);
  if (current?.paused_until && current.paused_until >= until) return;
  await upsert(db, destination, { paused_until: until, paused_reply: reply.slice(0, 500) }, now);
}

export async function setHalvings(
  db: Kysely<Database>,
  destination: string,
  halvings: number,
  at: number,
  reply: string,
): Promise<void> {
  await upsert(db, destination, { halvings, halved_at: at, paused_reply: reply.slice(0, 500) }, at);
}

/** Ends a pause and the halvings at once (resume now). Returns whether anything was in force. */
export async function resumeDestination(
  db: Kysely<Database>,
  destination: string,
  now: number,
): Promise<boolean> {
  const current = (await readStates(db, [destination])).get(destination);
  const active = !!current && ((current.paused_until ?? 0) > now || current.halvings > 0);
  await upsert(db, destination, { paused_until: null, halvings: 0, halved_at: now }, now);
  return active;
}
