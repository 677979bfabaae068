/**
 * Authentication and access for every request: a bearer API key or the console's session cookie
 * makes a `Principal`; the route's `access` (public, read, send, admin; admin when unstated)
 * decides. No credentials → 401; the wrong role → 403 (SPEC R1). A state change with the session
 * cookie must come from the console's own origin (`same-origin.ts`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Access, mayAccess, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { authenticateApiKey } from '../services/api-keys.js';
import { authenticateSession } from '../services/sessions.js';
import { refuseCrossSiteCookieRequests } from './same-origin.js';

export const SESSION_COOKIE = 'mailroute_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: Access | 'public';
  }
}

async function identify(ctx: AppContext, request: FastifyRequest): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('unauthorized', 'the Authorization header must be "Bearer <api key>"');
    const principal = await authenticateApiKey(ctx, m[1]!);
    if (!principal) throw new AppError('unauthorized', 'unknown or revoked API key');
    return principal;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token) return authenticateSession(ctx, token);
  return undefined;
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', undefined);
  refuseCrossSiteCookieRequests(app, ctx, SESSION_COOKIE);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? 'admin';
    if (access === 'public' || request.is404) return;
    const principal = await identify(ctx, request);
    if (!principal) throw new AppError('unauthorized', 'sign in or send "Authorization: Bearer <api key>"');
    if (!mayAccess(principal.role, access)) {
      throw new AppError(
        'forbidden',
        `this needs the ${access === 'read' ? 'admin or member' : access} role; you have "${principal.role}"`,
      );
    }
    request.principal = principal;
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'not signed in');
  return request.principal;
}
