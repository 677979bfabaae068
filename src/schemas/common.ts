/** Shapes shared by every API resource: the error body, identifiers, times and cursors. */
import { z } from 'zod';
import { errorCodes } from '../domain/errors.js';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
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
