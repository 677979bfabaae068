/** `GET /api/v1/audit-log`: newest first, paged by an opaque cursor. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { auditTargetName } from '../../domain/audit-target-name.js';
import { auditPageSchema, auditQuerySchema } from '../../schemas/audit-log.js';
import { errorBodySchema, iso } from '../../schemas/common.js';
import { decodeCursor, encodeCursor } from '../../services/cursors.js';
import { listAudit } from '../../store/repos/audit-log.js';
import { principalOf } from '../auth.js';

const parseJson = (s: string | null) => (s === null ? null : JSON.parse(s));

export const auditLogRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/audit-log',
      {
        config: { access: 'read' },
        schema: {
          tags: ['audit log'],
          querystring: auditQuerySchema,
          response: { 200: auditPageSchema, 400: errorBodySchema },
        },
      },
      async (request) => {
        const { limit, cursor, action } = request.query;
        const rows = await listAudit(ctx.store.db, {
          orgId: principalOf(request).orgId,
          limit,
          action,
          before: decodeCursor('audit-log', cursor),
        });
        const last = rows.at(-1);
        return {
          items: rows.map((r) => {
            const before = parseJson(r.before);
            const after = parseJson(r.after);
            return {
              id: r.id,
              at: iso(r.at)!,
              actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
              action: r.action,
              target: { type: r.target_type, id: r.target_id, name: auditTargetName(before, after) },
              before,
              after,
            };
          }),
          nextCursor:
            rows.length === limit && last ? encodeCursor('audit-log', { at: last.at, id: last.id }) : null,
        };
      },
    );
  };
