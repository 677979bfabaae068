/**
 * Cross-site request refusal for the console's session cookie. A state-changing request (any
 * method but GET, HEAD and OPTIONS) that carries the session cookie and no `Authorization` header
 * must come from mailroute's own pages: `Sec-Fetch-Site` must be `same-origin` or `none` when the
 * browser sends it; otherwise `Origin` must be this server's origin (the request's scheme and
 * `Host`, or the origin of `MAILROUTE_PUBLIC_URL`). Anything else is refused with 403 before the
 * route runs. SameSite=Strict stays as the first line; this is the second. API keys are untouched,
 * and so are public routes, which never read the session.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestOrigin {
  method: string;
  secFetchSite: string | undefined;
  origin: string | undefined;
}

/** Why a cookie-authenticated request is cross-site, or undefined when it is not. Pure. */
export function crossSiteReason(r: RequestOrigin, ownOrigins: readonly string[]): string | undefined {
  if (SAFE_METHODS.has(r.method.toUpperCase())) return undefined;
  if (r.secFetchSite !== undefined) {
    const site = r.secFetchSite.trim().toLowerCase();
    if (site === 'same-origin' || site === 'none') return undefined;
    return `Sec-Fetch-Site is "${site.slice(0, 40)}"`;
  }
  if (r.origin === undefined) return 'neither Sec-Fetch-Site nor Origin was sent';
  const origin = r.origin.trim().toLowerCase();
  if (ownOrigins.includes(origin)) return undefined;
  return `Origin ${JSON.stringify(origin.slice(0, 200))} is not this server's origin`;
}

function originOf(url: string): string | undefined {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o.toLowerCase();
  } catch {
    return undefined;
  }
}

function ownOrigins(ctx: AppContext, request: FastifyRequest): string[] {
  const own = [originOf(ctx.config.http.publicUrl)];
  const host = request.headers.host;
  if (host) own.push(originOf(`${request.protocol}://${host}`));
  return own.filter((o): o is string => o !== undefined);
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Registers the check; `cookieName` is the session cookie whose presence makes it apply. */
export function refuseCrossSiteCookieRequests(
  app: FastifyInstance,
  ctx: AppContext,
  cookieName: string,
): void {
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.headers.authorization !== undefined) return;
    // Public routes never read the session, so a cookie sent along cannot be abused through them
    // (the one-click unsubscribe is posted from mailbox providers' servers and mail clients).
    if (request.routeOptions.config?.access === 'public') return;
    if (!request.cookies[cookieName]) return;
    const reason = crossSiteReason(
      {
        method: request.method,
        secFetchSite: header(request, 'sec-fetch-site'),
        origin: header(request, 'origin'),
      },
      ownOrigins(ctx, request),
    );
    if (reason === undefined) return;
    request.log.warn(
      { event: 'http.cross_site_refused', reason, route: request.routeOptions.url },
      'cross-site request refused',
    );
    throw new AppError(
      'forbidden',
      `cross-site request refused: ${reason}; changes with the session cookie must come from the mailroute console`,
    );
  });
}
