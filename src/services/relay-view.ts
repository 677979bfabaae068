/** Turns a relay row into its API view: secrets replaced by flags, status, today's usage, warnings. */

import type { EmailType } from '../domain/email-types.js';
import { relayStatus, relayWarnings } from '../domain/relay-rules.js';
import { iso } from '../schemas/common.js';
import type { RelayView } from '../schemas/relays.js';
import { bounceHandlingOf } from '../store/repos/relays.js';
import type { DomainsTable, RelaysTable } from '../store/schema.js';

function authenticationOf(r: RelaysTable): RelayView['authentication'] {
  if (r.auth_type === 'password')
    return {
      type: 'password',
      service: 'other',
      username: r.auth_username ?? '',
      passwordSet: r.auth_password_enc !== null,
    };
  if (r.auth_type === 'oauth2') {
    const status = r.oauth_status ?? 'pending';
    return {
      type: 'oauth2',
      service: r.auth_service === 'microsoft365' ? 'microsoft365' : 'gmail',
      user: r.oauth_user ?? '',
      connected: status === 'connected',
      status,
    };
  }
  return { type: 'none' };
}

export interface ViewContext {
  now: number;
  domain: Pick<DomainsTable, 'name' | 'verified_at'>;
  usageToday: number;
  egressRanges: readonly string[];
  /** The last error that suspended the relay, from its `relay.suspended` event. */
  suspendedReason?: string | null;
}

export function relayView(r: RelaysTable, c: ViewContext): RelayView {
  const enabled = r.enabled === 1;
  const status = relayStatus({ enabled, suspendedUntil: r.suspended_until }, c.now);
  return {
    id: r.id,
    name: r.name,
    host: r.host,
    port: r.port,
    security: r.security,
    verifyCertificate: r.verify_certificate === 1,
    caCertificate: r.ca_certificate,
    dailyLimit: r.daily_limit,
    domainId: r.domain_id,
    domain: c.domain.name,
    emailTypes: JSON.parse(r.email_types) as EmailType[],
    dkimSigning: r.dkim_signing === 1,
    bounceHandling: bounceHandlingOf(r),
    authentication: authenticationOf(r),
    priority: r.priority,
    maxConnections: r.max_connections,
    rateLimitPerMinute: r.rate_limit_per_minute,
    enabled,
    status,
    suspendedUntil: status === 'suspended' ? iso(r.suspended_until) : null,
    suspendedReason: status === 'suspended' ? (c.suspendedReason ?? null) : null,
    usageToday: c.usageToday,
    warnings: relayWarnings(
      {
        port: r.port,
        security: r.security,
        verifyCertificate: r.verify_certificate === 1,
        authType: r.auth_type,
      },
      { domainVerified: c.domain.verified_at !== null, egressRanges: c.egressRanges },
    ),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}
