/** The suppression list (SPEC R20, §3 `/api/v1/suppressions`): addresses the org no longer mails. */
import { z } from 'zod';
import { bounceReasonSchema } from './bounce-reasons.js';
import { pageQuerySchema, pageSchema } from './pages.js';

export const suppressionReasonSchema = z.enum(['hard-bounce', 'complaint', 'soft-bounces', 'manual'], {
  error: 'must be "hard-bounce", "complaint", "soft-bounces" or "manual"',
});

export const suppressionSchema = z
  .object({
    address: z.string().describe('Lower-case address'),
    reason: suppressionReasonSchema,
    bounceReason: bounceReasonSchema
      .nullable()
      .describe('The reason of the bounce that added it; null when added by hand'),
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
  ...pageQuerySchema.shape,
});
export type SuppressionQuery = z.infer<typeof suppressionQuerySchema>;

export const suppressionPageSchema = pageSchema(suppressionSchema);

export const suppressionParamsSchema = z.object({ address: z.string().min(3).max(320) });
