/** Audit-log entries as the API shows them. */
import { z } from 'zod';
import { pageQuerySchema, pageSchema } from './pages.js';

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
    target: z.object({
      type: z.string(),
      id: z.string().nullable(),
      name: z
        .string()
        .nullable()
        .describe(
          'What the target is called (its name, address, email or URL) in the entry, when it has one',
        ),
    }),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditQuerySchema = z.object({
  ...pageQuerySchema.shape,
  action: z.string().max(100).optional(),
});

export const auditPageSchema = pageSchema(auditEntrySchema);
