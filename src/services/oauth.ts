/**
 * OAuth2 sign-in for Gmail and Microsoft 365 relays (SPEC R2): the authorization-code flow with
 * PKCE, a one-time state that names the relay, and the refresh token stored encrypted. Refreshing
 * the access token when mail is sent lives with the stage that needs it (credentials/oauth-tokens.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { hashToken } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { provider, storeTokens, tokenRequest } from '../credentials/oauth-provider.js';
import { AppError } from '../domain/errors.js';
import { writeAudit } from '../store/repos/audit-log.js';
import { relayRow } from './relays.js';

const STATE_TTL_MS = 10 * 60_000;

export const oauthCallbackPath = '/api/v1/oauth/callback';

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
