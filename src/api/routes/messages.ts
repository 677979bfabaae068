/**
 * Submitting mail and reading the log: `POST /api/v1/messages`, `POST /api/v1/mass-emails`,
 * `GET /api/v1/messages` (the log), `GET /api/v1/messages/:id`, `GET /api/v1/messages/:id/raw`,
 * `GET /api/v1/messages/export.mbox` (the archive of a time range).
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { submitMassEmail, submitMessage } from '../../intake/submit.js';
import { submitMassEmailStream } from '../../intake/submit-mass-stream.js';
import { errorBodySchema, idParamsSchema } from '../../schemas/common.js';
import {
  logPageSchema,
  logQuerySchema,
  massEmailSchema,
  massSubmittedSchema,
  mboxQuerySchema,
  messageDetailSchema,
  messageSubmitSchema,
  submittedSchema,
} from '../../schemas/messages.js';
import { exportMbox } from '../../services/mbox-export.js';
import { archivedMime, listLog, messageDetail } from '../../services/message-log.js';
import { principalOf } from '../auth.js';
import {
  MASS_BODY_LIMIT,
  massEmailValidator,
  parseMassEmailBodies,
  STREAM_ABOVE,
  StreamedBody,
} from '../mass-email-body.js';

export const messageRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['messages'];
    const errors = {
      400: errorBodySchema,
      409: errorBodySchema,
      413: errorBodySchema,
      422: errorBodySchema,
      429: errorBodySchema,
      503: errorBodySchema,
    };
    app.post(
      '/api/v1/messages',
      {
        config: { access: 'send' },
        schema: { tags, body: messageSubmitSchema, response: { 202: submittedSchema, ...errors } },
      },
      async (request, reply) => {
        const accepted = await submitMessage(ctx, principalOf(request), request.body);
        ctx.events.queued();
        return reply.code(202).send({
          id: accepted.messageId,
          deliveries: accepted.deliveries.map((d) => ({
            id: d.id,
            recipient: d.recipient,
            status: d.status,
          })),
        });
      },
    );
    // In a scope of its own: its body parser leaves a big body unread (`mass-email-body.ts`).
    await app.register(async (scope) => {
      parseMassEmailBodies(scope);
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/v1/mass-emails',
        {
          config: { access: 'send' },
          validatorCompiler: massEmailValidator,
          schema: {
            tags,
            description: `A body over ${STREAM_ABOVE / 1024 / 1024} MiB (or of unknown length) is read as it arrives; at most ${MASS_BODY_LIMIT / 1024 / 1024} MiB.`,
            body: massEmailSchema,
            response: { 202: massSubmittedSchema, ...errors },
          },
        },
        async (request, reply) => {
          const body: unknown = request.body;
          const actor = principalOf(request);
          let r: Awaited<ReturnType<typeof submitMassEmail>>;
          if (body instanceof StreamedBody) {
            try {
              r = await submitMassEmailStream(ctx, actor, body.pieces(), {
                chunkSize: ctx.config.massIntakeChunk,
              });
            } catch (err) {
              body.discard();
              throw err;
            }
          } else r = await submitMassEmail(ctx, actor, request.body);
          ctx.events.queued();
          return reply.code(202).send({ id: r.messageId, accepted: r.accepted, suppressed: r.suppressed });
        },
      );
    });
    app.get(
      '/api/v1/messages',
      {
        config: { access: 'any' },
        schema: { tags, querystring: logQuerySchema, response: { 200: logPageSchema, 400: errorBodySchema } },
      },
      async (request) => listLog(ctx, principalOf(request).orgId, request.query),
    );
    app.get(
      '/api/v1/messages/export.mbox',
      {
        config: { access: 'read' },
        schema: {
          tags,
          summary: 'The archived messages of a time range as one mbox (mboxrd), streamed',
          querystring: mboxQuerySchema,
          produces: ['application/mbox'],
        },
      },
      async (request, reply) => {
        const { stream, nextCursor } = await exportMbox(ctx, principalOf(request).orgId, request.query);
        stream.on('error', (err) =>
          ctx.log.error({ err, event: 'archive.export_failed' }, 'mbox export stopped'),
        );
        if (nextCursor) reply.header('x-mailroute-next-cursor', nextCursor);
        return reply
          .type('application/mbox')
          .header('content-disposition', 'attachment; filename="mailroute-archive.mbox"')
          .send(stream);
      },
    );
    app.get(
      '/api/v1/messages/:id',
      {
        config: { access: 'any' },
        schema: {
          tags,
          params: idParamsSchema,
          response: { 200: messageDetailSchema, 404: errorBodySchema },
        },
      },
      async (request) => messageDetail(ctx, principalOf(request).orgId, request.params.id),
    );
    app.get(
      '/api/v1/messages/:id/raw',
      {
        config: { access: 'read' },
        schema: {
          tags,
          params: idParamsSchema,
          querystring: z.object({ delivery: z.string().max(64).optional() }),
          produces: ['message/rfc822'],
        },
      },
      async (request, reply) => {
        const { deliveryId, raw } = await archivedMime(
          ctx,
          principalOf(request).orgId,
          request.params.id,
          request.query.delivery,
        );
        return reply
          .type('message/rfc822')
          .header('content-disposition', `attachment; filename="${deliveryId}.eml"`)
          .send(raw);
      },
    );
  };
