/**
 * The suppression list as CSV (issue 17): admins export it (optionally one scope or reason) and
 * import one, e.g. from the CRM they leave or a provider's unsubscribe list. Columns `address`
 * (required), `reason` (default `manual`) and `scope` (default by reason: `mass` for unsubscribes,
 * `all` otherwise); `source` and `created_at` are written on export and ignored on import. An import
 * is all or nothing: one bad line refuses it whole (400 naming the line). Existing entries stay,
 * except that an `all` entry widens a `mass` one. One audit entry per import.
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { CsvError, csvRecord, parseCsv } from '../domain/csv.js';
import { AppError, invalidField } from '../domain/errors.js';
import {
  type SuppressionReason,
  type SuppressionScope,
  scopeOf,
  suppressionReasons,
  suppressionScopes,
} from '../domain/suppressions.js';
import { iso } from '../schemas/common.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { addSuppression } from '../store/repos/suppressions.js';

export const MAX_IMPORT_ROWS = 100_000;
const COLUMNS = ['address', 'reason', 'scope', 'source', 'created_at'];
const email = z.email().max(320);

export async function exportSuppressions(
  ctx: AppContext,
  orgId: string,
  q: { reason?: SuppressionReason; scope?: SuppressionScope },
): Promise<string> {
  let query = ctx.store.db.selectFrom('suppressions').selectAll().where('org_id', '=', orgId);
  if (q.reason) query = query.where('reason', '=', q.reason);
  if (q.scope) query = query.where('scope', '=', q.scope);
  const rows = await query.orderBy('address').execute();
  const guard = [false, false, false, true, false];
  return [
    csvRecord(COLUMNS),
    ...rows.map((r) => csvRecord([r.address, r.reason, r.scope, r.source, iso(r.created_at)!], guard)),
    '',
  ].join('\r\n');
}

interface ImportRow {
  address: string;
  reason: SuppressionReason;
  scope: SuppressionScope;
}

function rowsOf(csv: string): ImportRow[] {
  let records: string[][];
  try {
    records = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvError) throw invalidField('csv', err.message);
    throw err;
  }
  const [header, ...data] = records;
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  const at = (n: string) => names.indexOf(n);
  if (at('address') < 0) throw invalidField('csv', 'line 1 must name the columns and include "address"');
  if (data.length > MAX_IMPORT_ROWS)
    throw new AppError(
      'limit_exceeded',
      `an import holds at most ${MAX_IMPORT_ROWS} addresses; this one has ${data.length}`,
      { csv: `at most ${MAX_IMPORT_ROWS} addresses per import` },
    );
  return data.map((r, i) => {
    const line = i + 2;
    const cell = (n: string) => (at(n) >= 0 ? (r[at(n)] ?? '').trim() : '');
    const address = cell('address').toLowerCase();
    if (!email.safeParse(address).success)
      throw invalidField('csv', `line ${line}: "${address.slice(0, 100)}" is not an email address`);
    const reason = (cell('reason') || 'manual') as SuppressionReason;
    if (!suppressionReasons.includes(reason))
      throw invalidField('csv', `line ${line}: reason must be one of ${suppressionReasons.join(', ')}`);
    const scope = (cell('scope') || scopeOf(reason)) as SuppressionScope;
    if (!suppressionScopes.includes(scope))
      throw invalidField('csv', `line ${line}: scope must be "all" or "mass"`);
    return { address, reason, scope };
  });
}

export async function importSuppressions(
  ctx: AppContext,
  actor: Principal,
  csv: string,
): Promise<{ added: number; unchanged: number }> {
  const rows = rowsOf(csv);
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    let added = 0;
    for (const r of rows) {
      const row = {
        org_id: actor.orgId,
        ...r,
        source: `import:${actor.label}`.slice(0, 200),
        created_at: now,
      };
      if (await addSuppression(trx, row)) added++;
    }
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'suppression.import',
      targetType: 'suppression',
      targetId: 'import',
      after: { rows: rows.length, added },
      at: now,
    });
    return { added, unchanged: rows.length - added };
  });
}
