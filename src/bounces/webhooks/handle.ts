/**
 * `POST /api/v1/webhooks/:provider` behind the route: picks the provider, lets it verify the request
 * (a bad signature is a 401 and changes nothing), and records each event whose delivery exists and
 * whose recipient is that delivery's. Events naming no delivery, or another recipient, are counted
 * as ignored and logged.
 */
import type { AppContext } from '../../context.js';
import { AppError } from '../../domain/errors.js';
import { recordBounce } from '../record.js';
import { mailgun } from './mailgun.js';
import { postmark } from './postmark.js';
import { sendgrid } from './sendgrid.js';
import { ses } from './ses.js';
import type { ProviderEvent, WebhookProvider, WebhookRequest } from './types.js';

export const webhookProviders = { ses, sendgrid, mailgun, postmark } as const satisfies Record<
  string,
  WebhookProvider
>;
export type WebhookProviderName = keyof typeof webhookProviders;

export interface WebhookResult {
  received: number;
  recorded: number;
  ignored: number;
  note?: string;
}

async function recordEvent(ctx: AppContext, provider: string, e: ProviderEvent): Promise<boolean> {
  const d = e.deliveryId
    ? await ctx.store.db
        .selectFrom('deliveries')
        .select(['id', 'recipient'])
        .where('id', '=', e.deliveryId)
        .executeTakeFirst()
    : undefined;
  if (!d || d.recipient.toLowerCase() !== e.recipient.toLowerCase()) {
    ctx.log.info(
      { event: 'webhook.unmatched', provider, deliveryId: e.deliveryId ?? null, known: d !== undefined },
      'webhook event names no delivery of this recipient',
    );
    return false;
  }
  const r = await recordBounce(ctx, { ...e, deliveryId: d.id, source: `webhook:${provider}` });
  return r.outcome === 'recorded';
}

export async function handleWebhook(
  ctx: AppContext,
  provider: WebhookProviderName,
  req: WebhookRequest,
): Promise<WebhookResult> {
  const p = webhookProviders[provider];
  if (!p.configured(ctx)) throw new AppError('not_found', `the ${provider} webhook is not configured`);
  let received: Awaited<ReturnType<WebhookProvider['receive']>>;
  try {
    received = await p.receive(ctx, req);
  } catch (err) {
    if (err instanceof AppError && err.code === 'unauthorized')
      ctx.log.warn({ event: 'webhook.refused', provider, reason: err.message }, 'webhook refused');
    throw err;
  }
  let recorded = 0;
  for (const e of received.events) if (await recordEvent(ctx, provider, e)) recorded++;
  const n = received.events.length;
  return { received: n, recorded, ignored: n - recorded, ...(received.note ? { note: received.note } : {}) };
}
