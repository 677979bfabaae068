/**
 * Shapes of API responses the console reads. Relay shapes come from the server's own zod schemas
 * (pure, browser-safe); the rest mirror SPEC §3 and src/schemas by hand, because those modules
 * pull in Node-only helpers.
 */
import type { z } from 'zod';
import type {
  RelayTestResult,
  RelayView,
  RelayWarning,
  relayCreateSchema,
} from '../../../src/schemas/relays.js';

export type { AuthenticationCheck } from '../../../src/schemas/authentication.js';
export type { RelayTestResult, RelayView, RelayWarning };
export type RelayInput = z.input<typeof relayCreateSchema>;
export type EmailType = 'workflow' | 'mass' | 'individual';
export type Bilingual = { ja: string; en: string };

export interface Me {
  kind: 'user' | 'api_key';
  id: string;
  orgId: string;
  orgName: string;
  role: 'admin' | 'member' | 'send';
  label: string;
}

export interface DnsRecord {
  type: 'TXT';
  name: string;
  value: string;
}

export interface DkimView {
  selector: string;
  algorithm: 'rsa-2048' | 'ed25519';
  status: 'pending' | 'active';
  dnsRecord: DnsRecord;
  createdAt: string;
}

export interface DomainView {
  id: string;
  name: string;
  verified: boolean;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  verification: DnsRecord;
  dkim: DkimView | null;
  dkimPending: DkimView | null;
  createdAt: string;
}

export interface VerifyResult {
  domain: DomainView;
  checks: { record: 'verification' | 'dkim' | 'dkimPending'; name: string; found: boolean; detail: string }[];
}

export interface DataCenter {
  id: string;
  name: string;
  bounceDomain: string;
  current: boolean;
  egress: string[];
  ranges: { ipv4: string[]; ipv6: string[] };
  exports: { plain: string; postfix: string; spf: string };
}

export interface ContainsResult {
  ip: string;
  contains: boolean;
  range: string | null;
}

export type DeliveryStatus =
  | 'queued'
  | 'sending'
  | 'deferred'
  | 'sent'
  | 'bounced'
  | 'complained'
  | 'failed'
  | 'expired'
  | 'suppressed';

export const deliveryStatuses: DeliveryStatus[] = [
  'queued',
  'sending',
  'deferred',
  'sent',
  'bounced',
  'complained',
  'failed',
  'expired',
  'suppressed',
];

export interface LogEntry {
  messageId: string;
  deliveryId: string;
  type: string;
  from: string;
  subject: string;
  recipient: string;
  status: DeliveryStatus;
  route: string | null;
  routeName: string | null;
  attempts: number;
  lastStatus: string | null;
  lastReply: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Attempt {
  at: string;
  route: string;
  routeName: string;
  host: string | null;
  action: string;
  status: string | null;
  reply: string | null;
  ruleId: string | null;
  durationMs: number;
}

/** Bounce details (issue 5); absent on servers without the bounce listener. */
export interface BounceView {
  status: string;
  action: string;
  diagnosticCode: string;
  class: 'hard' | 'soft' | 'complaint' | 'auto-reply' | 'delivered' | 'unknown';
  source: string;
  at: string;
}

export interface DeliveryView {
  id: string;
  recipient: string;
  status: DeliveryStatus;
  route: string | null;
  routeName: string | null;
  lastStatus: string | null;
  lastReply: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  archived: boolean;
  attempts: Attempt[];
  bounces?: BounceView[];
}

export interface MessageDetail {
  id: string;
  type: string;
  from: string;
  subject: string;
  size: number;
  submittedBy: string;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  deliveries: DeliveryView[];
}

export interface Usage {
  timeZone: string;
  dailyLimit: number;
  days: {
    day: string;
    plan: number;
    platform: number;
    relays: { relayId: string; name: string; count: number }[];
    bounced: number;
  }[];
}

export interface NotificationView {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  createdAt: string;
  read: boolean;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: 'user' | 'api_key' | 'system'; id: string | null; label: string };
  action: string;
  target: { type: string; id: string | null };
  before: unknown;
  after: unknown;
}

export interface ApiKey {
  id: string;
  name: string;
  role: 'admin' | 'send';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  createdAt: string;
  updatedAt: string;
}

export interface Settings {
  timeZone: string;
  relayFallback: 'platform' | 'retry';
  archiveRetentionDays: number;
}

/** Event webhooks: an endpoint (the secret only in the creation answer) and its deliveries. */
export const webhookEventTypes = [
  'delivery.sent',
  'delivery.deferred',
  'delivery.bounced',
  'delivery.complained',
  'delivery.failed',
  'delivery.expired',
  'relay.suspended',
] as const;

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** R20 (issue 5): one suppressed address. */
export interface Suppression {
  address: string;
  reason: 'hard-bounce' | 'complaint' | 'soft-bounces' | 'manual';
  source: string;
  createdAt: string;
}
