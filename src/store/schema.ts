/**
 * Kysely table types: the database as the code sees it, identical on SQLite and PostgreSQL.
 * Times are epoch milliseconds (bigint columns, read back as numbers on both dialects);
 * JSON is stored as text; booleans as 0/1 integers.
 */
import type { Generated } from 'kysely';
import type { BounceReason } from '../domain/bounce-reasons.js';
import type { DeliveryStatus } from '../domain/delivery-statuses.js';
import type { EmailType, MessageType } from '../domain/email-types.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import type { SuppressionReason, SuppressionScope } from '../domain/suppressions.js';

export type { SuppressionReason, SuppressionScope };

export interface OrgsTable {
  id: string;
  name: string;
  plan: string;
  datacenter: string;
  created_at: number;
  /** When the operator disabled the org; null while it is enabled. */
  disabled_at: number | null;
}

export interface PlansTable {
  name: string;
  daily_limit: number;
  max_domains: number;
  max_relays_per_domain: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/**
 * Sign-in failures of one account (`scope` `account`, key the email), client address (`address`),
 * or account from one address (`pair`, key `<email> <address>`).
 */
export interface SigninFailuresTable {
  scope: 'account' | 'address' | 'pair';
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

/** The client addresses an account last signed in from, and when. */
export interface SigninAddressesTable {
  account: string;
  address: string;
  signed_in_at: number;
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  role: 'admin' | 'send';
  /** The email type of SMTP submissions without an `X-Mailroute-Type` header. */
  default_type: EmailType;
  prefix: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SettingsTable {
  org_id: string;
  key: string;
  value: string;
  updated_at: number;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  at: number;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
}

export interface DomainsTable {
  id: string;
  org_id: string;
  name: string;
  verification_token: string;
  verified_at: number | null;
  last_checked_at: number | null;
  created_at: number;
}

export interface DkimKeysTable {
  id: string;
  org_id: string;
  domain_id: string;
  selector: string;
  algorithm: 'rsa-2048' | 'ed25519';
  public_key: string;
  private_key_enc: string;
  /** pending: waits for its DNS record; active: signs; retired: replaced. */
  status: 'pending' | 'active' | 'retired';
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
}

export interface RelaysTable {
  id: string;
  org_id: string;
  domain_id: string;
  name: string;
  host: string;
  port: number;
  security: 'ssl' | 'tls' | 'none';
  verify_certificate: number;
  ca_certificate: string | null;
  daily_limit: number;
  /** JSON array of email types. */
  email_types: string;
  dkim_signing: number;
  bounce_mode: 'platform' | 'from' | 'address';
  bounce_fixed_return_path: number;
  bounce_address: string | null;
  auth_type: 'none' | 'password' | 'oauth2';
  auth_service: 'other' | 'gmail' | 'microsoft365' | null;
  auth_username: string | null;
  auth_password_enc: string | null;
  oauth_user: string | null;
  oauth_refresh_token_enc: string | null;
  oauth_access_token_enc: string | null;
  oauth_access_expires_at: number | null;
  oauth_status: 'pending' | 'connected' | 'reauth_required' | null;
  priority: number;
  max_connections: number;
  rate_limit_per_minute: number | null;
  enabled: number;
  suspended_until: number | null;
  failure_count: number;
  failure_day: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface OauthStatesTable {
  id: string;
  org_id: string;
  relay_id: string;
  actor_label: string;
  code_verifier_enc: string;
  expires_at: number;
}

export interface UsageCountersTable {
  org_id: string;
  /** The org's calendar day, YYYY-MM-DD. */
  day: string;
  /** `plan` (all mail), `platform`, or a relay id. */
  scope: string;
  count: number;
}

export interface MessagesTable {
  id: string;
  org_id: string;
  type: MessageType;
  from_address: string;
  from_domain: string;
  subject: string;
  /** JSON of the submitted content (`MessageContent`), stored once for all recipients. */
  content: string;
  metadata: string | null;
  size: number;
  recipient_count: number;
  submitted_by: string;
  created_at: number;
}

export interface DeliveriesTable {
  id: string;
  org_id: string;
  message_id: string;
  recipient: string;
  recipient_domain: string;
  type: MessageType;
  /** 0 individual and system, 1 workflow, 2 mass: lower goes first. */
  priority: number;
  status: DeliveryStatus;
  /** The last route taken: a relay id or `platform`. */
  route: string | null;
  relay_id: string | null;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  lease_owner: string | null;
  /** JSON of per-recipient merge fields and notice (mass email). */
  personalization: string | null;
  /** JSON array of relay ids that failed in the current round. */
  relays_tried: string | null;
  slowdowns: number;
  last_status: string | null;
  last_reply: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  /**
   * The kind of envelope sender the delivery was handed over with (set when it is sent): which
   * bounces may name it (`bounces/match.ts`). Null for mail not sent yet.
   */
  return_path_kind: ReturnPathKind | null;
  /** Why routing chose the route, as `domain/route-reasons.ts` has it (JSON); null before it routed. */
  route_reasons: string | null;
  /** The subject after merge fields (mass email), when it differs from the message's; else null. */
  subject: string | null;
}

export interface AttemptsTable {
  id: string;
  org_id: string;
  delivery_id: string;
  at: number;
  route: string;
  relay_id: string | null;
  host: string | null;
  action: 'sent' | 'defer' | 'bounce' | 'fallback' | 'slowdown' | 'failed' | 'expired';
  status: string | null;
  reply: string | null;
  rule_id: string | null;
  duration_ms: number;
  /** The TLS version of the connection (`TLSv1.3`…), null in clear or without a connection. */
  tls_version?: string | null;
  /** 1: the server's certificate was verified; 0: it was not, or the connection was in clear; null: not known. */
  tls_verified?: number | null;
}

/** A recipient domain's MTA-STS policy (RFC 8461), cached until `expires_at` (issue 21). */
export interface MtaStsPoliciesTable {
  domain: string;
  /** The `id` of the `_mta-sts` TXT record the policy was fetched under. */
  policy_id: string;
  mode: 'enforce' | 'testing' | 'none';
  /** JSON array of the `mx` patterns. */
  mx: string;
  /** Seconds, as the policy says. */
  max_age: number;
  fetched_at: number;
  expires_at: number;
}

export interface ArchivesTable {
  delivery_id: string;
  org_id: string;
  created_at: number;
  raw_gzip_b64: string;
}

export interface NotificationsTable {
  id: string;
  org_id: string;
  kind: string;
  dedupe_key: string;
  data: string;
  created_at: number;
  read_at: number | null;
}

export interface EventsTable {
  id: string;
  org_id: string;
  type: string;
  data: string;
  created_at: number;
  /** 1 until the webhook dispatcher has fanned the event out to the org's endpoints. */
  webhooks_pending: Generated<number>;
}

export interface WebhookEndpointsTable {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types. */
  events: string;
  enabled: number;
  secret_enc: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PlatformKeysTable {
  /** The data center's bounce domain, which signs mail of domains without a key of their own. */
  domain: string;
  selector: string;
  algorithm: 'rsa-2048' | 'ed25519';
  public_key: string;
  private_key_enc: string;
  created_at: number;
}

export interface BouncesTable {
  id: string;
  org_id: string;
  delivery_id: string;
  message_id: string;
  /** The address the report names ('' → the delivery's recipient). */
  recipient: string;
  status: string;
  action: string;
  diagnostic_code: string;
  class: 'hard' | 'soft' | 'complaint' | 'auto-reply' | 'delivered' | 'unknown';
  /** Why it bounced (`domain/bounce-reasons.ts`); `undefined` for rows older than reasons. */
  reason: BounceReason;
  /** `listener`, `api`, `webhook:<provider>`, `imap` (bounce mailbox) or `smtp` (refused while sending). */
  source: string;
  feedback_type: string | null;
  created_at: number;
}

export interface SuppressionsTable {
  org_id: string;
  /** Lower-case address. */
  address: string;
  reason: SuppressionReason;
  /** What added it: `listener`, `api`, `webhook:<provider>`, `imap`, `smtp`, or the admin's label. */
  source: string;
  /** The reason of the bounce that caused it; null when added by hand (or before reasons). */
  bounce_reason?: BounceReason | null;
  created_at: number;
  /** `all`: no mail goes to the address; `mass`: only mass email skips it (unsubscribes). */
  scope: SuppressionScope;
}

/** An org whose mass email the complaint-rate guard paused (issue 17), until an admin resumes it. */
export interface MassPausesTable {
  org_id: string;
  /** The org's day whose complaint rate paused it, YYYY-MM-DD. */
  day: string;
  complaints: number;
  delivered: number;
  paused_at: number;
}

/** The IMAP mailbox of a relay whose bounces go to a fixed address (SPEC R19). */
export interface BounceMailboxesTable {
  relay_id: string;
  org_id: string;
  host: string;
  port: number;
  security: 'ssl' | 'tls' | 'none';
  verify_certificate: number;
  /** `password`, or `relay-oauth`: the relay's own OAuth sign-in (same account). */
  auth_type: 'password' | 'relay-oauth';
  username: string | null;
  password_enc: string | null;
  mailbox: string;
  after_action: 'flag' | 'move';
  /** IMAP keyword that marks a processed message (with `\Seen`). */
  keyword: string;
  move_to: string | null;
  enabled: number;
  last_poll_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  processed_count: number;
  recorded_count: number;
  unmatched_count: number;
  not_bounce_count: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

/** A content rule (SPEC R25): a notice or footer added at composition. */
export interface ContentRulesTable {
  id: string;
  org_id: string;
  name: string;
  position: 'notice' | 'footer';
  text: string;
  html: string | null;
  /** JSON array of email types. */
  email_types: string;
  /** JSON array of domains; empty: every recipient. */
  recipient_domains: string;
  sort_order: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** One numbered slot of a limit shared by all processes (issue 21); free once `expires_at` passed. */
export interface LimitSlotsTable {
  /** `conn:relay:<id>`, `conn:dest:<rule>`, `rate:relay:<id>`, `rate:dest:<rule>`. */
  key: string;
  slot: number;
  holder: string;
  expires_at: number;
}

/** A destination's pause after a pushback and its halved rate (issue 21). */
export interface DestinationStatesTable {
  destination: string;
  paused_until: number | null;
  paused_reply: string | null;
  halvings: number;
  halved_at: number;
  updated_at: number;
}

export interface Database {
  orgs: OrgsTable;
  plans: PlansTable;
  users: UsersTable;
  sessions: SessionsTable;
  signin_failures: SigninFailuresTable;
  signin_addresses: SigninAddressesTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  mta_sts_policies: MtaStsPoliciesTable;
  audit_log: AuditLogTable;
  domains: DomainsTable;
  dkim_keys: DkimKeysTable;
  relays: RelaysTable;
  oauth_states: OauthStatesTable;
  usage_counters: UsageCountersTable;
  messages: MessagesTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
  archives: ArchivesTable;
  notifications: NotificationsTable;
  events: EventsTable;
  platform_keys: PlatformKeysTable;
  bounces: BouncesTable;
  suppressions: SuppressionsTable;
  mass_pauses: MassPausesTable;
  bounce_mailboxes: BounceMailboxesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  content_rules: ContentRulesTable;
  limit_slots: LimitSlotsTable;
  destination_states: DestinationStatesTable;
}
