/**
 * Relay suspensions as the breaker announced them: its `relay.suspended` events (one per relay and
 * day, `delivery/breaker.ts`), read back for the relay view (why it is suspended) and for relay
 * health (how long it was suspended).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface RelaySuspension {
  relayId: string;
  /** When it was suspended (epoch ms). */
  at: number;
  /** The announced end (epoch ms); NaN when the event does not say. */
  until: number;
  /** The last error, as the announcement named it ('' when it does not say). */
  reason: string;
}

/** The org's suspensions announced at or after `since`, oldest first. */
export async function relaySuspensionsSince(
  db: Kysely<Database>,
  orgId: string,
  since: number,
): Promise<RelaySuspension[]> {
  const events = await db
    .selectFrom('events')
    .select(['data', 'created_at'])
    .where('org_id', '=', orgId)
    .where('type', '=', 'relay.suspended')
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .execute();
  return events.flatMap((e) => {
    const d = JSON.parse(e.data) as { relayId?: unknown; suspendedUntil?: unknown; reason?: unknown };
    if (typeof d.relayId !== 'string') return [];
    return [
      {
        relayId: d.relayId,
        at: Number(e.created_at),
        until: typeof d.suspendedUntil === 'string' ? Date.parse(d.suspendedUntil) : Number.NaN,
        reason: typeof d.reason === 'string' ? d.reason : '',
      },
    ];
  });
}
