/**
 * A mass email as a campaign (issue 20): its progress in one call
 * (`GET /api/v1/messages/:id/progress`) and its recipients, paged and searchable
 * (`GET /api/v1/messages/:id/deliveries`), each with the subject it was sent with after merge fields.
 */
import { z } from 'zod';
import { routeKinds } from '../domain/campaign-progress.js';
import { deliveryStatuses } from '../domain/delivery-statuses.js';
import { deliveryStatusSchema } from './delivery-statuses.js';
import { lastReplyRuleSchema } from './messages.js';
import { pageQuerySchema, pageSchema } from './pages.js';
import { routeReasonsSchema } from './route-reasons.js';

const count = z.number().int().nonnegative();

export const messageProgressSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    from: z.string(),
    subject: z.string().describe('As submitted, with its `{{field}}` tags'),
    size: z.number(),
    submittedBy: z.string(),
    createdAt: z.string(),
    total: count.describe('Deliveries of the message (suppressed recipients included)'),
    done: z.boolean().describe('Nothing left queued, sending or deferred'),
    statuses: z
      .object(
        Object.fromEntries(deliveryStatuses.map((s) => [s, count])) as Record<
          (typeof deliveryStatuses)[number],
          typeof count
        >,
      )
      .describe('Deliveries by status'),
    routes: z
      .object(
        Object.fromEntries(routeKinds.map((k) => [k, count])) as Record<
          (typeof routeKinds)[number],
          typeof count
        >,
      )
      .describe(
        'Deliveries by the route they last took: one of the org’s relays, the platform as a fallback (the org has relays and none could take it), or the platform (no relay is meant for this mail). Not yet routed: in none.',
      ),
    relays: z
      .array(z.object({ id: z.string(), name: z.string().nullable(), count }))
      .describe('Deliveries by relay, for the relays that took some (name null: deleted since)'),
  })
  .meta({ id: 'MessageProgress' });
export type MessageProgress = z.infer<typeof messageProgressSchema>;

export const recipientsQuerySchema = z.object({
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Part of the recipient address or of the merged subject, any case'),
  status: deliveryStatusSchema.optional(),
  ...pageQuerySchema.shape,
});
export type RecipientsQuery = z.infer<typeof recipientsQuerySchema>;

export const recipientSchema = z
  .object({
    id: z.string().describe('The delivery id'),
    recipient: z.string(),
    subject: z.string().describe('The subject this recipient gets, after merge fields'),
    status: deliveryStatusSchema,
    route: z.string().nullable(),
    routeName: z.string().nullable(),
    routeKind: z.enum(routeKinds).nullable().describe('relay, fallback or platform; null before routing'),
    attempts: z.number(),
    lastStatus: z.string().nullable(),
    lastReply: z.string().nullable(),
    lastReplyRule: lastReplyRuleSchema,
    nextAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
    archived: z.boolean(),
    routeReasons: routeReasonsSchema.nullable(),
  })
  .meta({ id: 'Recipient' });

export const recipientPageSchema = pageSchema(recipientSchema);
