/**
 * The audit log: who changed what, when, with the before and after state, secrets redacted.
 * Written in the same transaction as the change it records.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.js';
import { newSortableId } from '../../domain/ids.js';
import { redact } from '../../domain/redact.js';
import type { AuditLogTable, Database } from '../schema.js';

export interface AuditEntry {
  orgId: string;
  actor: Principal | 'system';
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  at: number;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(redact(v)));

export async function writeAudit(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  const actor = e.actor === 'system' ? null : e.actor;
  await db
    .insertInto('audit_log')
    .values({
      id: newSortableId('aud'),
      org_id: e.orgId,
      at: e.at,
      actor_type: actor ? actor.kind : 'system',
      actor_id: actor?.id ?? null,
      actor_label: actor ? actor.label : 'system',
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId ?? null,
      before: json(e.before),
      after: json(e.after),
    })
    .execute();
}

export interface AuditQuery {
  orgId: string;
  limit: number;
  /** Entries strictly older than this `(at, id)` position. */
  before?: { at: number; id: string };
  action?: string;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<AuditLogTable[]> {
  let query = db.selectFrom('audit_log').selectAll().where('org_id', '=', q.orgId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.before) {
    const { at, id } = q.before;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}
