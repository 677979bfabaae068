/** Bounce import (SPEC R19, `POST /api/v1/bounces`) and provider webhook replies. */
import { z } from 'zod';
import { bounceClasses } from '../domain/bounce-report.js';
import { bounceReasonSchema } from './bounce-reasons.js';
import { deliveryStatusSchema } from './delivery-statuses.js';
import { pageQuerySchema, pageSchema } from './pages.js';
import { suppressionReasonSchema } from './suppressions.js';

export const bounceImportSchema = z
  .object({
    deliveryId: z
      .string()
      .regex(/^dlv_[a-z2-7]{26}$/, 'must be a delivery id (dlv_…)')
      .optional(),
    messageId: z
      .string()
      .max(998)
      .optional()
      .describe('A mailroute message id (msg_…, with recipient), or the Message-ID header <dlv_…@domain>'),
    recipient: z.email('must be an email address').max(320),
    status: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'must be an enhanced status code such as 5.1.1'),
    action: z
      .enum(['failed', 'delayed', 'delivered', 'relayed', 'expanded'], {
        error: 'must be failed, delayed, delivered, relayed or expanded',
      })
      .default('failed'),
    diagnosticCode: z.string().max(4000).default(''),
    class: z
      .enum(bounceClasses, { error: `must be one of ${bounceClasses.join(', ')}` })
      .optional()
      .describe('Left out: the reason’s class when a reason is given, else found by the rules'),
    reason: bounceReasonSchema.optional(),
  })
  .strict()
  .refine((b) => (b.deliveryId === undefined) !== (b.messageId === undefined), {
    message: 'give deliveryId or messageId (one of them)',
    path: ['deliveryId'],
  });
export type BounceImport = z.infer<typeof bounceImportSchema>;

export const bounceImportedSchema = z.object({
  recorded: z.boolean().describe('false for an auto-reply: not a bounce'),
  deliveryId: z.string(),
  class: z.enum(bounceClasses),
  reason: bounceReasonSchema,
  deliveryStatus: deliveryStatusSchema.nullable(),
  suppressed: suppressionReasonSchema.nullable().describe('Set when this bounce added the address'),
});
export type BounceImported = z.infer<typeof bounceImportedSchema>;

export const webhookResultSchema = z.object({
  received: z.number(),
  recorded: z.number(),
  ignored: z.number().describe('Events naming no delivery of this recipient, or not bounces'),
  note: z.string().optional(),
});

export const webhookParamsSchema = z.object({
  provider: z.enum(['ses', 'sendgrid', 'mailgun', 'postmark'], {
    error: 'must be ses, sendgrid, mailgun or postmark',
  }),
});

/** One recorded bounce (`GET /api/v1/bounces`), newest first. */
export const bounceSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string(),
    messageId: z.string(),
    recipient: z.string(),
    status: z.string().describe('Enhanced status code, e.g. 5.1.1 (empty when the report gave none)'),
    action: z.string(),
    diagnosticCode: z.string(),
    class: z.enum(bounceClasses),
    reason: bounceReasonSchema,
    source: z.string().describe('`listener`, `api`, `webhook:<provider>` or `imap`'),
    createdAt: z.string(),
  })
  .meta({ id: 'Bounce' });
export type BounceView = z.infer<typeof bounceSchema>;

export const bounceQuerySchema = z.object({
  reason: bounceReasonSchema.optional(),
  class: z.enum(bounceClasses, { error: `must be one of ${bounceClasses.join(', ')}` }).optional(),
  recipient: z.string().max(320).optional().describe('Exact address (any case)'),
  ...pageQuerySchema.shape,
});
export type BounceQuery = z.infer<typeof bounceQuerySchema>;

export const bouncePageSchema = pageSchema(bounceSchema);
