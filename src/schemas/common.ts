/** Shapes shared by every API resource: the error body, identifiers, times and cursors. */
import { z } from 'zod';
import { errorCodes } from '../domain/errors.js';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe('The English message of each field'),
      issues: z
        .array(
          z.object({
            field: z.string().describe('Dotted path of the field; `(body)` for the whole body'),
            code: z
              .string()
              .describe(
                'too_small, too_big, invalid_format, invalid_value, invalid_type, unrecognized_keys, required, or a check of the service (unknown_domain, already_exists, port_not_allowed, above_plan_limit, …); invalid when nothing more precise',
              ),
            params: z
              .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
              .optional()
              .describe('What a translation needs: minimum, maximum, origin, format, values…'),
            message: z.string().describe('The same as in `fields`, in English'),
          }),
        )
        .optional()
        .describe(
          'Each field problem as a code and parameters, for clients that word it in their own language',
        ),
      remaining: z.number().optional().describe('429: what is left of the daily limit'),
      limit: z.union([z.number(), z.string()]).optional().describe('The limit that was hit'),
      max: z.number().optional(),
      resetAt: z.string().optional().describe('429: when the daily limit starts afresh'),
      signatures: z.array(z.string()).optional().describe('422: the virus signatures found'),
      orgs: z
        .array(z.object({ id: z.string(), name: z.string() }))
        .optional()
        .describe('409 at sign-in: the orgs where the email and password match; send one as orgId'),
      retryAfterSeconds: z.number().optional().describe('429 at sign-in: as the `Retry-After` header'),
    }),
  })
  .meta({ id: 'Error' });

export const idParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();
