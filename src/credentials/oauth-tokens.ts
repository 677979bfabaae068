/**
 * A relay's OAuth2 access token when mail is sent or a mailbox is read (R2): refreshed a minute
 * before it expires (a rotated refresh token replaces the old one). When the provider refuses the
 * refresh token, the relay is marked `reauth_required` and the org's admins are told (notification,
 * `relay.oauth_reauth` event, email) once per lost consent.
 */
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { noticeAdmins } from '../notices/admin-notices.js';
import { writeAudit } from '../store/repos/audit-log.js';
import type { RelaysTable } from '../store/schema.js';
import { provider, storeTokens, type TokenAnswer, tokenRequest } from './oauth-provider.js';

const REFRESH_MARGIN_MS = 60_000;

/** A valid access token for an OAuth2 relay, refreshed when it expires within a minute. */
export async function accessTokenFor(ctx: AppContext, relay: RelaysTable): Promise<string> {
  if (relay.oauth_status !== 'connected' || !relay.oauth_refresh_token_enc) {
    throw new AppError(
      'conflict',
      relay.oauth_status === 'reauth_required'
        ? 'the relay needs its OAuth sign-in again'
        : 'the relay has not been signed in with OAuth yet',
    );
  }
  const now = ctx.clock.now();
  if (relay.oauth_access_token_enc && (relay.oauth_access_expires_at ?? 0) - REFRESH_MARGIN_MS > now) {
    return ctx.secrets.decrypt(relay.oauth_access_token_enc, `relay:${relay.id}:oauth_access`);
  }
  const p = provider(ctx, relay);
  const answer = await tokenRequest(p.tokenUrl, {
    grant_type: 'refresh_token',
    refresh_token: ctx.secrets.decrypt(relay.oauth_refresh_token_enc, `relay:${relay.id}:oauth_refresh`),
    client_id: p.clientId,
    client_secret: p.clientSecret,
  });
  if (answer.error === 'invalid_grant' || (!answer.access_token && answer.error)) {
    if (answer.error === 'invalid_grant') await markReauthRequired(ctx, relay, refusal(answer));
    throw new AppError(
      'conflict',
      `the OAuth provider refused to refresh the token (${answer.error}); sign in again`,
    );
  }
  if (!answer.access_token)
    throw new AppError('service_unavailable', 'the token endpoint gave no access token');
  await storeTokens(ctx, relay, answer, 'connected');
  return answer.access_token;
}

/** The provider's own words for a refusal (never a token). */
function refusal(answer: TokenAnswer): string {
  return answer.error_description ? `${answer.error}: ${answer.error_description}` : String(answer.error);
}

/**
 * Marks the relay for a new sign-in and tells the admins, once per lost consent: only the refusal
 * of the refresh token still stored changes the relay (another worker may already have marked it,
 * or stored a rotated token, meanwhile), and the notice goes with that change.
 */
async function markReauthRequired(ctx: AppContext, relay: RelaysTable, reason: string) {
  const now = ctx.clock.now();
  const marked = await ctx.store.db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('relays')
      .set({ oauth_status: 'reauth_required', oauth_access_token_enc: null, updated_at: now })
      .where('id', '=', relay.id)
      .where('oauth_status', '=', 'connected')
      .where('oauth_refresh_token_enc', '=', relay.oauth_refresh_token_enc)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return false;
    await writeAudit(trx, {
      orgId: relay.org_id,
      actor: 'system',
      action: 'relay.oauth_reauth_required',
      targetType: 'relay',
      targetId: relay.id,
      after: { service: relay.auth_service, user: relay.oauth_user },
      at: now,
    });
    await noticeAdmins(ctx, trx, {
      orgId: relay.org_id,
      kind: 'relay.oauth_reauth',
      dedupeKey: `relay.oauth_reauth:${relay.id}:${now}`,
      data: {
        relayId: relay.id,
        relayName: relay.name,
        host: relay.host,
        service: relay.auth_service ?? '',
        user: relay.oauth_user ?? '',
        reason,
      },
      mail: reauthMail(ctx, relay, reason),
    });
    return true;
  });
  if (!marked) return;
  ctx.events.queued(); // the admins' email, so a worker sends it now rather than at its next look
  ctx.log.warn(
    { event: 'relay.oauth_reauth_required', relay: relay.id, org: relay.org_id },
    'OAuth consent must be given again',
  );
}

const serviceNames: Record<string, string> = { gmail: 'Google', microsoft365: 'Microsoft 365' };

function reauthMail(ctx: AppContext, relay: RelaysTable, reason: string) {
  const service = serviceNames[relay.auth_service ?? ''] ?? String(relay.auth_service);
  const account = relay.oauth_user ? ` (${relay.oauth_user})` : '';
  const link = `${ctx.config.http.publicUrl}/relays/${encodeURIComponent(relay.id)}`;
  const subject = `[mailroute] リレーサーバー「${relay.name}」に再度ログインしてください / Relay "${relay.name}" needs a new sign-in`;
  const text = [
    `${service} がリレーサーバー「${relay.name}」(${relay.host}) の送信許可${account}を受け付けなくなりました。許可が取り消されたか、期限が切れています。`,
    `再度ログインするまで、このリレーサーバーからは送信できません。管理画面でリレーサーバーを開き、${service} でログインしてください: ${link}`,
    `プロバイダーの応答: ${reason}`,
    '',
    `${service} no longer accepts the permission${account} that relay "${relay.name}" (${relay.host}) sends with: it was revoked or has expired.`,
    `The relay cannot send until an admin signs in again. Open the relay in the console and sign in with ${service}: ${link}`,
    `The provider said: ${reason}`,
  ].join('\n');
  return { subject, text };
}
