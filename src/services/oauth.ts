/**
 * OAuth2 sign-in for Gmail and Microsoft 365 relays (SPEC R2): the authorization-code flow with
 * PKCE, a one-time state that names the relay, the refresh token stored encrypted, and access
 * tokens refreshed a minute before they expire (a rotated refresh token replaces the old one).
 * When the provider refuses the refresh token, the relay is marked `reauth_required` and the org's
 * admins are told (notification, `relay.oauth_reauth` event, email) once per lost consent.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { hashToken } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { writeAudit } from '../store/repos/audit-log.js';
import type { RelaysTable } from '../store/schema.js';
import { noticeAdmins } from './admin-notices.js';
import { relayRow } from './relays.js';

const STATE_TTL_MS = 10 * 60_000;
const REFRESH_MARGIN_MS = 60_000;
const TOKEN_TIMEOUT_MS = 15_000;

export const oauthCallbackPath = '/api/v1/oauth/callback';

function provider(ctx: AppContext, relay: RelaysTable) {
  if (
    relay.auth_type !== 'oauth2' ||
    (relay.auth_service !== 'gmail' && relay.auth_service !== 'microsoft365')
  ) {
    throw new AppError('conflict', 'this relay does not use OAuth2 authentication');
  }
  const p = ctx.config.oauth[relay.auth_service];
  if (!p.clientId || !p.clientSecret) {
    const key = `MAILROUTE_OAUTH_${relay.auth_service.toUpperCase()}`;
    throw new AppError(
      'conflict',
      `sign-in with ${relay.auth_service} is not configured on this server (${key}_CLIENT_ID and ${key}_CLIENT_SECRET)`,
    );
  }
  return { ...p, clientId: p.clientId, clientSecret: p.clientSecret, service: relay.auth_service };
}

export async function startOAuth(
  ctx: AppContext,
  actor: Principal,
  relayId: string,
): Promise<{ url: string }> {
  const relay = await relayRow(ctx, actor.orgId, relayId);
  const p = provider(ctx, relay);
  const state = randomBytes(32).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const id = hashToken(state);
  await ctx.store.db
    .insertInto('oauth_states')
    .values({
      id,
      org_id: actor.orgId,
      relay_id: relayId,
      actor_label: actor.label,
      code_verifier_enc: ctx.secrets.encrypt(verifier, `oauth-state:${id}`),
      expires_at: ctx.clock.now() + STATE_TTL_MS,
    })
    .execute();
  const url = new URL(p.authUrl);
  const params = {
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: `${ctx.config.http.publicUrl}${oauthCallbackPath}`,
    scope: p.scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
    login_hint: relay.oauth_user ?? '',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.toString() };
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

async function tokenRequest(tokenUrl: string, form: Record<string, string>): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    throw new AppError(
      'service_unavailable',
      `the token endpoint could not be reached (${(err as Error).name})`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as TokenAnswer;
  if (!res.ok && !body.error) body.error = `http_${res.status}`;
  return body;
}

/** Completes the sign-in the provider redirected back from; returns the relay it belongs to. */
export async function completeOAuth(
  ctx: AppContext,
  q: { state?: string; code?: string; error?: string },
): Promise<{ orgId: string; relayId: string }> {
  if (!q.state) throw new AppError('bad_request', 'the sign-in answer has no state');
  const id = hashToken(q.state);
  const st = await ctx.store.db
    .deleteFrom('oauth_states')
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!st || st.expires_at < ctx.clock.now())
    throw new AppError('bad_request', 'this sign-in link is unknown or expired; start the sign-in again');
  if (q.error || !q.code)
    throw new AppError('bad_request', `the provider refused the sign-in (${q.error ?? 'no code'})`);
  const relay = await relayRow(ctx, st.org_id, st.relay_id);
  const p = provider(ctx, relay);
  const answer = await tokenRequest(p.tokenUrl, {
    grant_type: 'authorization_code',
    code: q.code,
    redirect_uri: `${ctx.config.http.publicUrl}${oauthCallbackPath}`,
    client_id: p.clientId,
    client_secret: p.clientSecret,
    code_verifier: ctx.secrets.decrypt(st.code_verifier_enc, `oauth-state:${id}`),
  });
  if (!answer.access_token || !answer.refresh_token) {
    throw new AppError(
      'bad_request',
      `the provider did not grant offline access (${answer.error ?? 'no refresh token'})`,
    );
  }
  await storeTokens(ctx, relay, answer, 'connected');
  const actor: Principal = { kind: 'user', id: '', orgId: st.org_id, role: 'admin', label: st.actor_label };
  await writeAudit(ctx.store.db, {
    orgId: st.org_id,
    actor,
    action: 'relay.oauth_connected',
    targetType: 'relay',
    targetId: relay.id,
    after: { service: p.service, user: relay.oauth_user },
    at: ctx.clock.now(),
  });
  return { orgId: st.org_id, relayId: relay.id };
}

async function storeTokens(ctx: AppContext, relay: RelaysTable, answer: TokenAnswer, status: 'connected') {
  const now = ctx.clock.now();
  const changes: Partial<RelaysTable> = {
    oauth_access_token_enc: ctx.secrets.encrypt(answer.access_token!, `relay:${relay.id}:oauth_access`),
    oauth_access_expires_at: now + (answer.expires_in ?? 3600) * 1000,
    oauth_status: status,
    updated_at: now,
  };
  if (answer.refresh_token)
    changes.oauth_refresh_token_enc = ctx.secrets.encrypt(
      answer.refresh_token,
      `relay:${relay.id}:oauth_refresh`,
    );
  await ctx.store.db.updateTable('relays').set(changes).where('id', '=', relay.id).execute();
}

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
