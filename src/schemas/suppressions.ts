/** The suppression list (SPEC R20, §3 `/api/v1/suppressions`): addresses the org no longer mails. */
import { z } from 'zod';

export const suppressionReasonSchema = z.enum(['hard-bounce', 'complaint', 'soft-bounces', 'manual'], {
  error: 'must be "hard-bounce", "complaint", "soft-bounces" or "manual"',
});

export const suppressionSchema = z
  .object({
    address: z.string().describe('Lower-case address'),
    reason: suppressionReasonSchema,
    source: z.string().describe('`listener`, `api`, `webhook:<provider>`, or who added it by hand'),
    createdAt: z.string(),
  })
  .meta({ id: 'Suppression' });
export type SuppressionView = z.infer<typeof suppressionSchema>;

export const suppressionCreateSchema = z
  .object({
    address: z.email('must be an email address').max(320, 'must be at most 320 characters'),
    reason: suppressionReasonSchema.default('manual'),
  })
  .strict();

export const suppressionQuerySchema = z.object({
  address: z.string().max(320).optional().describe('Exact address, or a domain as `@example.com`'),
  reason: suppressionReasonSchema.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be between 1 and 500')
    .max(500, 'must be between 1 and 500')
    .default(100),
  cursor: z.string().max(200).optional(),
});
export type SuppressionQuery = z.infer<typeof suppressionQuerySchema>;

export const suppressionPageSchema = z.object({
  items: z.array(suppressionSchema),
  nextCursor: z.string().nullable(),
});

export const suppressionParamsSchema = z.object({ address: z.string().min(3).max(320) });
