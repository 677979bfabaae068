/**
 * Event webhook endpoints (`/api/v1/webhooks/endpoints`) and their delivery log. The secret is in
 * the creation response only.
 */
import { z } from 'zod';
import { webhookEventTypes } from '../domain/webhook-events.js';
import { coded } from './coded-check.js';
import { pageQuerySchema, pageSchema } from './pages.js';

export const webhookEventTypeSchema = z.enum(webhookEventTypes, {
  error: `must be one of ${webhookEventTypes.join(', ')}`,
});

/**
 * A user name or password in the URL (`https://user:pass@host/`) is refused: mailroute never sends
 * them, and the URL is shown to every member and kept in the audit log. Receivers authenticate
 * requests by their signature instead.
 */
export const urlCredentialsMessage =
  'must not contain a user name or password (user:pass@): mailroute does not send them, and the URL is shown to members and kept in the audit log; check the X-Mailroute-Signature header instead';

export function urlHasCredentials(s: string): boolean {
  try {
    const u = new URL(s);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

const url = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    coded('http_url', 'must be an http or https URL'),
  )
  .refine((s) => !urlHasCredentials(s), coded('url_credentials', urlCredentialsMessage));

const fields = {
  url,
  description: z.string().max(200).nullable().optional(),
  events: z
    .array(webhookEventTypeSchema)
    .min(1, 'must name at least one event type')
    .max(webhookEventTypes.length)
    .describe('Event types sent to this endpoint'),
  enabled: z.boolean(),
};

export const webhookEndpointCreateSchema = z
  .object({ ...fields, enabled: fields.enabled.default(true) })
  .strict();
export type WebhookEndpointCreate = z.infer<typeof webhookEndpointCreateSchema>;

export const webhookEndpointPatchSchema = z.object(fields).partial().strict();
export type WebhookEndpointPatch = z.infer<typeof webhookEndpointPatchSchema>;

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(webhookEventTypeSchema),
    enabled: z.boolean(),
    health: z
      .enum(['ok', 'degraded', 'failing'])
      .describe(
        'From the last 10 tried deliveries: failing when all failed, degraded when some did, ok otherwise',
      ),
    recentDeliveries: z.number().int().describe('Tried deliveries the health is computed from (at most 10)'),
    recentFailures: z.number().int().describe('How many of them failed or are waiting to retry'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointCreatedSchema = webhookEndpointSchema
  .extend({
    secret: z
      .string()
      .describe('Signs every delivery (HMAC-SHA256); shown only in this response, keep it safe'),
  })
  .meta({ id: 'WebhookEndpointCreated' });

export const webhookEndpointListSchema = z.object({ items: z.array(webhookEndpointSchema) });

export const webhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: webhookDeliveryStatusSchema,
    attempts: z.number(),
    lastStatusCode: z.number().nullable().describe('HTTP status of the last attempt'),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('When a pending delivery is tried next'),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryQuerySchema = z.object({
  status: webhookDeliveryStatusSchema.optional(),
  ...pageQuerySchema.shape,
});
export type WebhookDeliveryQuery = z.infer<typeof webhookDeliveryQuerySchema>;

export const webhookDeliveryPageSchema = pageSchema(webhookDeliverySchema);
