/**
 * The org's event webhook endpoints: admins add, change and delete them (audited; the secret is
 * never in the audit log), anyone with read access lists them and their delivery log. The signing
 * secret is generated here, returned once, and stored encrypted (`webhook:<id>:secret`).
 */
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError, invalidField, notFound } from '../domain/errors.js';
import { addressKind, isIpLiteral } from '../domain/hosts.js';
import { newId } from '../domain/ids.js';
import type { WebhookEventType } from '../domain/webhook-events.js';
import { WEBHOOK_HEALTH_WINDOW, webhookHealth } from '../domain/webhook-health.js';
import { newWebhookSecret, secretContext } from '../domain/webhooks.js';
import { iso } from '../schemas/common.js';
import {
  urlCredentialsMessage,
  urlHasCredentials,
  type WebhookDeliveryQuery,
  type WebhookDeliveryView,
  type WebhookEndpointCreate,
  type WebhookEndpointPatch,
  type WebhookEndpointView,
} from '../schemas/webhooks.js';
import { writeAudit } from '../store/repos/audit-log.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../store/schema.js';
import { decodeCursor, encodeCursor } from './cursors.js';

const MAX_ENDPOINTS = 20;

type EndpointSettings = Omit<WebhookEndpointView, 'health' | 'recentDeliveries' | 'recentFailures'>;

/** The endpoint's settings: what the audit log records of it. */
const view = (e: WebhookEndpointsTable): EndpointSettings => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: JSON.parse(e.events) as WebhookEventType[],
  enabled: e.enabled === 1,
  createdAt: iso(e.created_at)!,
  updatedAt: iso(e.updated_at)!,
});

/**
 * No credentials in the URL (the schema refuses them too), and the same host policy as relays
 * (`MAILROUTE_RELAY_HOSTS`): no link-local or reserved targets ever.
 */
function checkUrl(ctx: AppContext, url: string): void {
  if (urlHasCredentials(url)) throw invalidField('url', urlCredentialsMessage);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const kind = isIpLiteral(host)
    ? addressKind(host)
    : host.toLowerCase() === 'localhost'
      ? 'loopback'
      : 'public';
  if (kind === 'link-local' || kind === 'reserved')
    throw invalidField('url', `${kind} addresses cannot receive webhooks`);
  if (ctx.config.relayHosts === 'public-only' && kind !== 'public')
    throw invalidField('url', `${kind} addresses are not allowed here (MAILROUTE_RELAY_HOSTS=public-only)`);
}

/** The settings with the health of the endpoint's last tried deliveries (`domain/webhook-health.ts`). */
async function withHealth(ctx: AppContext, e: WebhookEndpointsTable): Promise<WebhookEndpointView> {
  const recent = await ctx.store.db
    .selectFrom('webhook_deliveries')
    .select(['status', 'attempts'])
    .where('endpoint_id', '=', e.id)
    .where('attempts', '>', 0)
    .orderBy('id', 'desc')
    .limit(WEBHOOK_HEALTH_WINDOW)
    .execute();
  return {
    ...view(e),
    ...webhookHealth(recent.map((d) => ({ status: d.status, attempts: Number(d.attempts) }))),
  };
}

async function load(ctx: AppContext, orgId: string, id: string): Promise<WebhookEndpointsTable> {
  const row = await ctx.store.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('webhook endpoint');
  return row;
}

export async function listEndpoints(ctx: AppContext, orgId: string): Promise<WebhookEndpointView[]> {
  const rows = await ctx.store.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return Promise.all(rows.map((r) => withHealth(ctx, r)));
}

export async function getEndpoint(ctx: AppContext, orgId: string, id: string): Promise<WebhookEndpointView> {
  return withHealth(ctx, await load(ctx, orgId, id));
}

export async function createEndpoint(
  ctx: AppContext,
  actor: Principal,
  input: WebhookEndpointCreate,
): Promise<WebhookEndpointView & { secret: string }> {
  checkUrl(ctx, input.url);
  const now = ctx.clock.now();
  const id = newId('whk');
  const secret = newWebhookSecret();
  const row: WebhookEndpointsTable = {
    id,
    org_id: actor.orgId,
    url: input.url,
    description: input.description ?? null,
    events: JSON.stringify([...new Set(input.events)]),
    enabled: input.enabled ? 1 : 0,
    secret_enc: ctx.secrets.encrypt(secret, secretContext(id)),
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', actor.orgId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_ENDPOINTS)
      throw new AppError(
        'limit_exceeded',
        `an org may have at most ${MAX_ENDPOINTS} webhook endpoints`,
        undefined,
        { limit: 'webhookEndpoints', max: MAX_ENDPOINTS },
      );
    await trx.insertInto('webhook_endpoints').values(row).execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'webhook_endpoint.create',
      targetType: 'webhook_endpoint',
      targetId: id,
      after: view(row),
      at: now,
    });
  });
  return { ...(await withHealth(ctx, row)), secret };
}

export async function updateEndpoint(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: WebhookEndpointPatch,
): Promise<WebhookEndpointView> {
  const before = await load(ctx, actor.orgId, id);
  if (patch.url !== undefined) checkUrl(ctx, patch.url);
  const now = ctx.clock.now();
  const after: WebhookEndpointsTable = {
    ...before,
    url: patch.url ?? before.url,
    description: patch.description === undefined ? before.description : patch.description,
    events: patch.events ? JSON.stringify([...new Set(patch.events)]) : before.events,
    enabled: patch.enabled === undefined ? before.enabled : patch.enabled ? 1 : 0,
    updated_at: now,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_endpoints')
      .set({
        url: after.url,
        description: after.description,
        events: after.events,
        enabled: after.enabled,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'webhook_endpoint.update',
      targetType: 'webhook_endpoint',
      targetId: id,
      before: view(before),
      after: view(after),
      at: now,
    });
  });
  return withHealth(ctx, after);
}

/** Deletes the endpoint (kept as deleted for its delivery log); pending deliveries are dropped. */
export async function deleteEndpoint(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  const before = await load(ctx, actor.orgId, id);
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_endpoints')
      .set({ deleted_at: now, enabled: 0, updated_at: now })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: 'endpoint deleted', updated_at: now })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await writeAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'webhook_endpoint.delete',
      targetType: 'webhook_endpoint',
      targetId: id,
      before: view(before),
      at: now,
    });
  });
}

const deliveryView = (d: WebhookDeliveriesTable): WebhookDeliveryView => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  lastAttemptAt: iso(d.last_attempt_at),
  nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  createdAt: iso(d.created_at)!,
});

/** The endpoint's deliveries, newest first. */
export async function listDeliveries(
  ctx: AppContext,
  orgId: string,
  endpointId: string,
  q: WebhookDeliveryQuery,
) {
  await load(ctx, orgId, endpointId);
  let query = ctx.store.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (q.status) query = query.where('status', '=', q.status);
  const after = decodeCursor('webhook-deliveries', q.cursor);
  if (after) query = query.where('id', '<', after.id);
  const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
  const last = rows.at(-1);
  return {
    items: rows.map(deliveryView),
    nextCursor: rows.length === q.limit && last ? encodeCursor('webhook-deliveries', { id: last.id }) : null,
  };
}
