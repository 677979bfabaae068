/** Audit-log entries as the API shows them. */
import { z } from 'zod';

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({
      type: z.enum(['user', 'api_key', 'system']),
      id: z.string().nullable(),
      label: z.string(),
    }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be between 1 and 500')
    .max(500, 'must be between 1 and 500')
    .default(100),
  cursor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
