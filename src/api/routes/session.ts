/** Console sign-in and sign-out with a session cookie, and `/api/auth/me`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { loginSchema, meSchema, passwordChangeSchema } from '../../schemas/auth.js';
import { errorBodySchema } from '../../schemas/common.js';
import { changeOwnPassword } from '../../services/password-change.js';
import { login, logout } from '../../services/sessions.js';
import { getSettings } from '../../services/settings.js';
import { findOrg } from '../../store/repos/orgs.js';
import { principalOf, SESSION_COOKIE } from '../auth.js';

export const sessionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const secure = ctx.config.http.publicUrl.startsWith('https:');
    /** The org's name, and its time zone, in which the console shows every time. */
    const orgOf = async (orgId: string) => {
      const org = await findOrg(ctx.store.db, orgId);
      const { timeZone } = await getSettings(ctx, orgId);
      return { orgName: org?.name ?? '', timeZone };
    };
    app.post(
      '/api/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          body: loginSchema,
          response: {
            200: meSchema,
            401: errorBodySchema,
            403: errorBodySchema,
            409: errorBodySchema,
            429: errorBodySchema,
          },
        },
      },
      async (request, reply) => {
        const { token, principal } = await login(
          ctx,
          request.body.email,
          request.body.password,
          request.ip,
          request.body.orgId,
        );
        // Max-Age, never Expires: the browser counts the lifetime on its own clock, so a server
        // and a browser whose clocks disagree cannot sign the user out (the server still ends the
        // session at its own expiry).
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure,
          maxAge: ctx.config.sessionHours * 3600,
        });
        return { ...principal, ...(await orgOf(principal.orgId)) };
      },
    );
    app.post(
      '/api/auth/logout',
      { config: { access: 'public' }, schema: { tags: ['auth'], response: { 204: z.null() } } },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await logout(ctx, token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/auth/password',
      {
        config: { access: 'read' },
        schema: {
          tags: ['auth'],
          description:
            "Changes the signed-in user's own password; ends the user's other sessions and keeps this one.",
          body: passwordChangeSchema,
          response: {
            200: z.object({ endedSessions: z.number().int() }),
            400: errorBodySchema,
            403: errorBodySchema,
            429: errorBodySchema,
          },
        },
      },
      async (request) =>
        changeOwnPassword(
          ctx,
          principalOf(request),
          request.cookies[SESSION_COOKIE],
          request.body,
          request.ip,
        ),
    );
    app.get(
      '/api/auth/me',
      { config: { access: 'any' }, schema: { tags: ['auth'], response: { 200: meSchema } } },
      async (request) => {
        const p = principalOf(request);
        return { ...p, ...(await orgOf(p.orgId)) };
      },
    );
  };
