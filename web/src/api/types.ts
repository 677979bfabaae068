/**
 * Shapes of the API as the console reads and sends them, derived from the server's own zod schemas
 * (src/schemas) through type-only imports: they are erased from the bundle, so no server code
 * reaches the browser, and a schema change shows up here as a type error. `z.output` is what the
 * API answers; `z.input` what a form may send (defaults optional).
 */
import type { z } from 'zod';
import type { apiKeySchema, submissionInfoSchema } from '../../../src/schemas/api-keys.js';
import type { auditEntrySchema } from '../../../src/schemas/audit-log.js';
import type { meSchema } from '../../../src/schemas/auth.js';
import type {
  bounceMailboxInputSchema,
  bounceMailboxPollSchema,
  bounceMailboxSchema,
} from '../../../src/schemas/bounce-mailboxes.js';
import type { bounceSchema } from '../../../src/schemas/bounces.js';
import type { complaintRateSchema } from '../../../src/schemas/complaint-rate.js';
import type { complianceCheckSchema } from '../../../src/schemas/compliance.js';
import type {
  contentPositionSchema,
  contentRuleCreateSchema,
  contentRulePatchSchema,
  contentRuleSchema,
} from '../../../src/schemas/content-rules.js';
import type {
  containsResultSchema,
  dataCenterViewSchema,
  platformDkimSchema,
} from '../../../src/schemas/datacenters.js';
import type { deliveryStatusSchema } from '../../../src/schemas/delivery-statuses.js';
import type {
  dkimViewSchema,
  dnsRecordSchema,
  domainSchema,
  verifyResultSchema,
} from '../../../src/schemas/domains.js';
import type {
  attemptSchema,
  bounceEntrySchema,
  logEntrySchema,
  messageDetailSchema,
} from '../../../src/schemas/messages.js';
import type { notificationSchema } from '../../../src/schemas/notifications.js';
import type { emailTypeSchema, relayCreateSchema } from '../../../src/schemas/relays.js';
import type { settingsSchema } from '../../../src/schemas/settings.js';
import type { suppressionSchema } from '../../../src/schemas/suppressions.js';
import type { usageSchema } from '../../../src/schemas/usage.js';
import type { userSchema } from '../../../src/schemas/users.js';
import type { webhookDeliverySchema, webhookEndpointSchema } from '../../../src/schemas/webhooks.js';

export type { AuthenticationCheck } from '../../../src/domain/authentication-check.js';
export type { RelayWarning } from '../../../src/domain/relay-warnings.js';
export type { RelayHealth } from '../../../src/schemas/relay-health.js';
export type { RelayTestResult, RelayView } from '../../../src/schemas/relays.js';

/** A list page of the API. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Me = z.output<typeof meSchema>;

export type EmailType = z.output<typeof emailTypeSchema>;
export type RelayInput = z.input<typeof relayCreateSchema>;

export type DnsRecord = z.output<typeof dnsRecordSchema>;
export type DkimView = z.output<typeof dkimViewSchema>;
export type DomainView = z.output<typeof domainSchema>;
export type VerifyResult = z.output<typeof verifyResultSchema>;

export type DataCenter = z.output<typeof dataCenterViewSchema>;
export type ContainsResult = z.output<typeof containsResultSchema>;
export type PlatformDkim = z.output<typeof platformDkimSchema>;

export type DeliveryStatus = z.output<typeof deliveryStatusSchema>;
export type LogEntry = z.output<typeof logEntrySchema>;
export type Attempt = z.output<typeof attemptSchema>;
export type BounceView = z.output<typeof bounceEntrySchema>;
export type Bounce = z.output<typeof bounceSchema>;
export type MessageDetail = z.output<typeof messageDetailSchema>;
export type DeliveryView = MessageDetail['deliveries'][number];

export type Usage = z.output<typeof usageSchema>;
export type NotificationView = z.output<typeof notificationSchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;
export type ApiKey = z.output<typeof apiKeySchema>;
export type SubmissionInfo = z.output<typeof submissionInfoSchema>;
export type UserView = z.output<typeof userSchema>;
export type Settings = z.output<typeof settingsSchema>;

export type WebhookEndpoint = z.output<typeof webhookEndpointSchema>;
export type WebhookDelivery = z.output<typeof webhookDeliverySchema>;

export type Suppression = z.output<typeof suppressionSchema>;

export type ContentPosition = z.output<typeof contentPositionSchema>;
export type ContentRule = z.output<typeof contentRuleSchema>;
export type ContentRuleCreate = z.input<typeof contentRuleCreateSchema>;
export type ContentRulePatch = z.input<typeof contentRulePatchSchema>;

export type BounceMailbox = z.output<typeof bounceMailboxSchema>;
export type BounceMailboxInput = z.input<typeof bounceMailboxInputSchema>;
export type BounceMailboxPoll = z.output<typeof bounceMailboxPollSchema>;
export type ComplaintRateView = z.output<typeof complaintRateSchema>;
export type ComplianceCheckView = z.output<typeof complianceCheckSchema>;
export type { DestinationView } from '../../../src/schemas/destinations.js';
