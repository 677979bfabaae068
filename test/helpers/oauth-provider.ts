/**
 * A local OAuth2 provider for tests: an authorization step that issues codes bound to their PKCE
 * challenge, and a token endpoint for the authorization-code and refresh-token grants, rotating
 * refresh tokens on every refresh. It can be told to refuse refreshes (`invalid_grant`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface FakeProvider {
  authUrl: string;
  tokenUrl: string;
  /** What the user's consent would produce: the code the provider redirects back with. */
  consent(authorizeUrl: string): { code: string; state: string };
  grants: { grant_type: string; refresh_token?: string }[];
  refuseRefresh: boolean;
  /** The access tokens issued, newest last. */
  accessTokens: string[];
  close(): Promise<void>;
}

export async function startFakeProvider(
  clientId: string,
  clientSecret: string,
  expiresIn = 3600,
): Promise<FakeProvider> {
  const codes = new Map<string, string>();
  const refreshTokens = new Set<string>();
  const issue = () => {
    const access = `at-${randomBytes(8).toString('hex')}`;
    const refresh = `rt-${randomBytes(8).toString('hex')}`;
    refreshTokens.add(refresh);
    fake.accessTokens.push(access);
    return { access_token: access, refresh_token: refresh, expires_in: expiresIn, token_type: 'Bearer' };
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (
        req.url !== '/token' ||
        form.get('client_id') !== clientId ||
        form.get('client_secret') !== clientSecret
      )
        return send(401, { error: 'invalid_client' });
      const grant = form.get('grant_type') ?? '';
      fake.grants.push({ grant_type: grant, refresh_token: form.get('refresh_token') ?? undefined });
      if (grant === 'authorization_code') {
        const challenge = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!challenge || createHash('sha256').update(verifier).digest('base64url') !== challenge)
          return send(400, { error: 'invalid_grant' });
        return send(200, issue());
      }
      if (grant === 'refresh_token') {
        const rt = form.get('refresh_token') ?? '';
        if (fake.refuseRefresh || !refreshTokens.delete(rt))
          return send(400, {
            error: 'invalid_grant',
            error_description: 'Token has been expired or revoked.',
          });
        return send(200, issue());
      }
      send(400, { error: 'unsupported_grant_type' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const fake: FakeProvider = {
    authUrl: `http://127.0.0.1:${port}/authorize`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    grants: [],
    refuseRefresh: false,
    accessTokens: [],
    consent(authorizeUrl) {
      const u = new URL(authorizeUrl);
      if (u.searchParams.get('code_challenge_method') !== 'S256') throw new Error('PKCE S256 expected');
      const code = `code-${randomBytes(6).toString('hex')}`;
      codes.set(code, u.searchParams.get('code_challenge') ?? '');
      return { code, state: u.searchParams.get('state') ?? '' };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}
