/**
 * OAuth2 sign-in of a relay: `POST /api/v1/relays/:id/oauth/start` gives the provider's URL; the
 * provider sends the browser back to `GET /api/v1/oauth/callback`, which the one-time state
 * authenticates, and which then returns the browser to the relay's page in the console.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../domain/errors.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import { completeOAuth, oauthCallbackPath, startOAuth } from '../../services/oauth.js';
import { principalOf } from '../auth.js';

export const oauthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/relays/:id/oauth/start',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['relays'],
          params: idParamsSchema,
          response: { 200: z.object({ url: z.string() }), 404: errorBodySchema, 409: errorBodySchema },
        },
      },
      async (request) => startOAuth(ctx, principalOf(request), request.params.id),
    );
    app.get(
      oauthCallbackPath,
      {
        config: { access: 'public' },
        schema: {
          tags: ['relays'],
          querystring: z.object({
            state: z.string().max(200).optional(),
            code: z.string().max(4000).optional(),
            error: z.string().max(200).optional(),
          }),
        },
      },
      async (request, reply) => {
        const base = ctx.config.http.publicUrl;
        try {
          const { relayId } = await completeOAuth(ctx, request.query);
          return reply.redirect(`${base}/relays/${encodeURIComponent(relayId)}?oauth=connected`);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          request.log.warn({ event: 'relay.oauth_failed', reason: err.message }, 'OAuth sign-in failed');
          return reply.redirect(`${base}/relays?oauth=failed&reason=${encodeURIComponent(err.message)}`);
        }
      },
    );
  };
