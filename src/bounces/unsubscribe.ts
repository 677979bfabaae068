/**
 * Recording an unsubscribe (RFC 8058 one-click, or a mail to the `mailto:` address): the token's
 * HMAC is checked first, without reading anything; then the delivery it names gives org and
 * address, which is suppressed for the org's mass email only (scope `mass`), with a
 * `recipient.unsubscribed` event for webhooks. Idempotent: a second unsubscribe changes nothing and
 * sends no second event. A forged or altered token changes nothing.
 */
import type { AppContext } from '../context.js';
import { unsubscribeKey } from '../delivery/derived-keys.js';
import { newSortableId } from '../domain/ids.js';
import { parseUnsubscribeToken } from '../domain/unsubscribe-token.js';
import { addSuppression } from '../store/repos/suppressions.js';

export type UnsubscribeSource = 'one-click' | 'mailto';

export type UnsubscribeResult =
  | { outcome: 'unsubscribed' | 'already'; orgId: string; deliveryId: string }
  | { outcome: 'invalid-token' | 'unknown-delivery' };

/** The delivery a token names, when its HMAC is right and the delivery still exists. */
export async function deliveryOfToken(ctx: AppContext, token: string) {
  const deliveryId = parseUnsubscribeToken(token, unsubscribeKey(ctx));
  if (!deliveryId) return undefined;
  return ctx.store.db
    .selectFrom('deliveries')
    .select(['id', 'org_id', 'message_id', 'recipient'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

export async function recordUnsubscribe(
  ctx: AppContext,
  token: string,
  source: UnsubscribeSource,
): Promise<UnsubscribeResult> {
  if (!parseUnsubscribeToken(token, unsubscribeKey(ctx))) return { outcome: 'invalid-token' };
  const d = await deliveryOfToken(ctx, token);
  if (!d) return { outcome: 'unknown-delivery' };
  const now = ctx.clock.now();
  const added = await ctx.store.db.transaction().execute(async (trx) => {
    const inserted = await addSuppression(trx, {
      org_id: d.org_id,
      address: d.recipient,
      reason: 'unsubscribe',
      scope: 'mass',
      source,
      created_at: now,
    });
    if (!inserted) return false;
    await trx
      .insertInto('events')
      .values({
        id: newSortableId('evt'),
        org_id: d.org_id,
        type: 'recipient.unsubscribed',
        data: JSON.stringify({
          deliveryId: d.id,
          messageId: d.message_id,
          recipient: d.recipient.toLowerCase(),
          source,
          scope: 'mass',
        }),
        created_at: now,
      })
      .execute();
    return true;
  });
  ctx.log.info(
    {
      event: added ? 'unsubscribe.recorded' : 'unsubscribe.repeated',
      deliveryId: d.id,
      org: d.org_id,
      source,
    },
    added ? 'unsubscribe recorded' : 'unsubscribe already recorded',
  );
  return { outcome: added ? 'unsubscribed' : 'already', orgId: d.org_id, deliveryId: d.id };
}
