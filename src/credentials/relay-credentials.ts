/**
 * A stored relay's credentials, ready to use: the password decrypted, or an OAuth access token
 * refreshed when due. The delivery stage and the test connection both sign in with these.
 */
import type { AppContext } from '../context.js';
import type { RelaysTable } from '../store/schema.js';
import type { RelayAuth } from '../transports/relay-transport.js';
import { accessTokenFor } from './oauth-tokens.js';

export async function relayCredentials(ctx: AppContext, r: RelaysTable): Promise<RelayAuth> {
  if (r.auth_type === 'password' && r.auth_password_enc) {
    return {
      type: 'password',
      username: r.auth_username ?? '',
      password: ctx.secrets.decrypt(r.auth_password_enc, `relay:${r.id}:password`),
    };
  }
  if (r.auth_type === 'oauth2')
    return { type: 'oauth2', user: r.oauth_user ?? '', accessToken: await accessTokenFor(ctx, r) };
  return { type: 'none' };
}
