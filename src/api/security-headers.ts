/**
 * Headers every response carries, JSON and console alike: the console's Content-Security-Policy
 * (its own scripts, styles and API only; never framed), `X-Frame-Options: DENY` for browsers
 * without `frame-ancestors`, `X-Content-Type-Options: nosniff` and a referrer policy that keeps
 * URLs inside mailroute. The console is a same-origin bundle with no inline script and no eval
 * (its zod runs jitless), so the policy needs no exception. A route that sets one of these headers
 * itself keeps its own value (the unsubscribe page's policy is stricter still).
 */
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
});

export function sendSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    // A route may set a stricter policy of its own (the unsubscribe page); it is kept.
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
}
