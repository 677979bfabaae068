/**
 * One-click unsubscribe (RFC 8058), public and not org-scoped: the signed token in the path is the
 * only credential. `GET /u/<token>` shows a page whose one button posts; a GET never unsubscribes.
 * `POST /u/<token>` with `List-Unsubscribe=One-Click` (form-encoded, or multipart as RFC 8058
 * allows) suppresses the address for the org's mass email and answers 200: idempotent, no sign-in,
 * no confirmation, and no same-origin check (mailbox providers post it from their own servers).
 * Rate-limited per client address and per token. A forged or altered token gets 404, nothing changed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deliveryOfToken, recordUnsubscribe } from '../../bounces/unsubscribe.js';
import type { AppContext } from '../../context.js';
import { type PageLanguage, pickLanguage } from '../../domain/accept-language.js';
import { AppError } from '../../domain/errors.js';
import { RateWindow } from '../../domain/rate-window.js';
import { UNSUBSCRIBE_PAGE_POLICY, unsubscribePage } from '../unsubscribe-page.js';

const MINUTE = 60_000;
/** Generous per address: a mailbox provider posts the one-clicks of many recipients. */
const PER_CLIENT = 600;
const PER_TOKEN = 10;

const paramsSchema = z.object({ token: z.string().max(100).describe('The signed token of the link') });
const bodySchema = z
  .object({
    'List-Unsubscribe': z.literal('One-Click', { error: 'must be "One-Click"' }),
  })
  .describe('RFC 8058: the form body `List-Unsubscribe=One-Click`');

function parseUrlEncoded(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** The fields of a small multipart/form-data body (RFC 7578), text parts only. */
function parseMultipart(text: string, contentType: string): Record<string, string> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return {};
  const out: Record<string, string> = {};
  for (const part of text.split(`--${boundary}`)) {
    const m = /^\r?\n([\s\S]*?)\r?\n\r?\n([\s\S]*?)\r?\n?$/.exec(part);
    const name = m && /content-disposition:[^\r\n]*\bname="([^"]+)"/i.exec(m[1]!)?.[1];
    if (m && name) out[name] = m[2]!.trim();
  }
  return out;
}

export const unsubscribeRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const clients = new RateWindow(PER_CLIENT, MINUTE);
    const tokens = new RateWindow(PER_TOKEN, MINUTE);
    const opts = { parseAs: 'string' as const, bodyLimit: 4096 };
    app.addContentTypeParser('application/x-www-form-urlencoded', opts, (_r, body, done) =>
      done(null, parseUrlEncoded(String(body))),
    );
    app.addContentTypeParser('multipart/form-data', opts, (request, body, done) =>
      done(null, parseMultipart(String(body), request.headers['content-type'] ?? '')),
    );

    function limit(request: FastifyRequest, token: string): void {
      const now = ctx.clock.now();
      const wait = Math.max(clients.hit(request.ip, now), tokens.hit(token.toLowerCase(), now));
      if (wait > 0)
        throw new AppError(
          'rate_limited',
          `too many unsubscribe requests; try again in ${Math.ceil(wait / 1000)} s`,
        );
    }

    function page(reply: FastifyReply, status: number, html: string, lang: PageLanguage) {
      return reply
        .code(status)
        .header('content-security-policy', UNSUBSCRIBE_PAGE_POLICY)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .header('content-language', lang)
        .type('text/html; charset=utf-8')
        .send(html);
    }

    const tags = ['unsubscribe'];
    app.get(
      '/u/:token',
      { config: { access: 'public' }, schema: { tags, security: [], params: paramsSchema } },
      async (request, reply) => {
        limit(request, request.params.token);
        const lang = pickLanguage(request.headers['accept-language']);
        const d = await deliveryOfToken(ctx, request.params.token);
        if (!d) return page(reply, 404, unsubscribePage(lang, 'invalid'), lang);
        return page(reply, 200, unsubscribePage(lang, 'confirm'), lang);
      },
    );
    app.post(
      '/u/:token',
      {
        config: { access: 'public' },
        schema: {
          tags,
          security: [],
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          params: paramsSchema,
          body: bodySchema,
        },
      },
      async (request, reply) => {
        limit(request, request.params.token);
        const lang = pickLanguage(request.headers['accept-language']);
        const r = await recordUnsubscribe(ctx, request.params.token, 'one-click');
        if (r.outcome === 'invalid-token' || r.outcome === 'unknown-delivery')
          return page(reply, 404, unsubscribePage(lang, 'invalid'), lang);
        return page(reply, 200, unsubscribePage(lang, 'done'), lang);
      },
    );
  };
