/** The suppression list (SPEC R20, §3 `/api/v1/suppressions`): addresses the org no longer mails. */
import { z } from 'zod';
import {
  type SuppressionReason,
  type SuppressionScope,
  suppressionReasons,
  suppressionScopes,
} from '../domain/suppressions.js';
import { bounceReasonSchema } from './bounce-reasons.js';
import { pageQuerySchema, pageSchema } from './pages.js';

export const suppressionReasonSchema: z.ZodType<SuppressionReason> = z.enum(suppressionReasons, {
  error: 'must be "hard-bounce", "complaint", "soft-bounces", "manual" or "unsubscribe"',
});

export const suppressionScopeSchema: z.ZodType<SuppressionScope> = z
  .enum(suppressionScopes, { error: 'must be "all" or "mass"' })
  .describe('all: no mail goes to the address; mass: only mass email skips it (unsubscribes)');

export const suppressionSchema = z
  .object({
    address: z.string().describe('Lower-case address'),
    reason: suppressionReasonSchema,
    bounceReason: bounceReasonSchema
      .nullable()
      .describe('The reason of the bounce that added it; null when added by hand'),
    scope: suppressionScopeSchema,
    source: z
      .string()
      .describe(
        '`listener`, `api`, `webhook:<provider>`, `smtp`, `one-click`, `mailto`, `import`, or who added it',
      ),
    createdAt: z.string(),
  })
  .meta({ id: 'Suppression' });
export type SuppressionView = z.infer<typeof suppressionSchema>;

export const suppressionCreateSchema = z
  .object({
    address: z.email('must be an email address').max(320, 'must be at most 320 characters'),
    reason: suppressionReasonSchema.default('manual'),
    scope: suppressionScopeSchema.optional().describe('Default: mass for unsubscribe, all otherwise'),
  })
  .strict();

export const suppressionQuerySchema = z.object({
  address: z.string().max(320).optional().describe('Exact address, or a domain as `@example.com`'),
  reason: suppressionReasonSchema.optional(),
  scope: suppressionScopeSchema.optional(),
  ...pageQuerySchema.shape,
});
export type SuppressionQuery = z.infer<typeof suppressionQuerySchema>;

export const suppressionPageSchema = pageSchema(suppressionSchema);

export const suppressionParamsSchema = z.object({ address: z.string().min(3).max(320) });

export const suppressionImportSchema = z
  .object({
    csv: z
      .string()
      .min(1, 'must not be empty')
      .max(20_000_000, 'must be at most 20 MB')
      .describe('CSV text with a header line: address, and optionally reason and scope'),
  })
  .strict();

export const suppressionImportedSchema = z.object({
  added: z.number().int().describe('Addresses added, or widened from scope mass to all'),
  unchanged: z.number().int().describe('Addresses that were on the list already'),
});
