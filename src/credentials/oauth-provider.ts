/**
 * The OAuth2 providers' token endpoints (R2): which provider a relay signs in with, the token
 * request, and storing the tokens it answers, encrypted. The sign-in flow (services/oauth.ts) and
 * the refresh before sending (oauth-tokens.ts) both go through here.
 */
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import type { RelaysTable } from '../store/schema.js';

const TOKEN_TIMEOUT_MS = 15_000;

export function provider(ctx: AppContext, relay: RelaysTable) {
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

export interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

export async function tokenRequest(tokenUrl: string, form: Record<string, string>): Promise<TokenAnswer> {
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

export async function storeTokens(
  ctx: AppContext,
  relay: RelaysTable,
  answer: TokenAnswer,
  status: 'connected',
) {
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
