/**
 * An org's content rules (SPEC R25): members read them, admins create, change and delete them,
 * each change audited with its before and after. At submission the rules in force for the email
 * type are copied into the message (`rulesForSubmission`), so what a queued message gets does not
 * change under it, and a retry a day later sends the same content.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { iso } from '../schemas/common.js';
import type { ContentRuleCreate, ContentRulePatch, ContentRuleView } from '../schemas/content-rules.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { orgContentRules } from '../store/repos/content-rules.js';
import type { ContentRulesTable, Database } from '../store/schema.js';

const view = (r: ContentRulesTable): ContentRuleView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  text: r.text,
  html: r.html,
  emailTypes: JSON.parse(r.email_types),
  recipientDomains: JSON.parse(r.recipient_domains),
  order: r.sort_order,
  enabled: r.enabled === 1,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/** One of the org's rules, or a 404. */
async function load(db: Kysely<Database>, orgId: string, id: string): Promise<ContentRulesTable> {
  const row = await db
    .selectFrom('content_rules')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('content rule');
  return row;
}

export async function listContentRules(
  ctx: AppContext,
  orgId: string,
): Promise<{ items: ContentRuleView[] }> {
  return { items: (await orgContentRules(ctx.store.db, orgId)).map(view) };
}

export async function getContentRule(ctx: AppContext, orgId: string, id: string): Promise<ContentRuleView> {
  return view(await load(ctx.store.db, orgId, id));
}

export async function createContentRule(
  ctx: AppContext,
  actor: Principal,
  input: ContentRuleCreate,
): Promise<ContentRuleView> {
  const now = ctx.clock.now();
  const row: ContentRulesTable = {
    id: newId('crl'),
    org_id: actor.orgId,
    name: input.name,
    position: input.position,
    text: input.text,
    html: input.html ?? null,
    email_types: JSON.stringify(input.emailTypes),
    recipient_domains: JSON.stringify(input.recipientDomains),
    sort_order: input.order,
    enabled: input.enabled ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('content_rules').values(row).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'content_rule.create',
      targetType: 'content_rule',
      targetId: row.id,
      after: view(row),
      at: now,
    });
  });
  return view(row);
}

export async function updateContentRule(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: ContentRulePatch,
): Promise<ContentRuleView> {
  const now = ctx.clock.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id);
    const after: ContentRulesTable = {
      ...before,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.position !== undefined ? { position: patch.position } : {}),
      ...(patch.text !== undefined ? { text: patch.text } : {}),
      ...(patch.html !== undefined ? { html: patch.html } : {}),
      ...(patch.emailTypes !== undefined ? { email_types: JSON.stringify(patch.emailTypes) } : {}),
      ...(patch.recipientDomains !== undefined
        ? { recipient_domains: JSON.stringify(patch.recipientDomains) }
        : {}),
      ...(patch.order !== undefined ? { sort_order: patch.order } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      updated_at: now,
    };
    const { id: _id, org_id: _org, created_at: _created, ...changes } = after;
    await trx.updateTable('content_rules').set(changes).where('id', '=', id).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'content_rule.update',
      targetType: 'content_rule',
      targetId: id,
      before: view(before),
      after: view(after),
      at: now,
    });
    return view(after);
  });
}

export async function deleteContentRule(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const before = await load(trx, actor.orgId, id);
    await trx.deleteFrom('content_rules').where('id', '=', id).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'content_rule.delete',
      targetType: 'content_rule',
      targetId: id,
      before: view(before),
      at: now,
    });
  });
}
