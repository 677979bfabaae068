/**
 * A ✓ or ✗ for each DNS record of a sending domain (issue 20): the verification record, the DKIM
 * key's record, SPF and DMARC, as the live lookups of the authentication check found them. A domain
 * can be verified while its DKIM record is not published; this says so record by record. Read from
 * the authentication checks of the domain's routes (platform delivery first, then each relay), as
 * the compliance check runs them. Pure.
 */
import type { AuthenticationCheck, SpfResult } from './authentication-check.js';

export const domainRecordKinds = ['verification', 'dkim', 'spf', 'dmarc'] as const;
export type DomainRecordKind = (typeof domainRecordKinds)[number];

/**
 * `ok` (✓); otherwise ✗: `missing` (not published), `mismatch` (a DKIM record with another key),
 * `no_key` (the domain has no active DKIM key), `fail` (SPF does not pass on some route),
 * `dns_error` (the lookup failed; try again).
 */
export const domainRecordStatuses = ['ok', 'missing', 'mismatch', 'no_key', 'fail', 'dns_error'] as const;
export type DomainRecordStatus = (typeof domainRecordStatuses)[number];

export interface DomainRecordCheck {
  record: DomainRecordKind;
  status: DomainRecordStatus;
  /** The name looked up (for SPF, the return path's domain of each route, comma separated). */
  name: string | null;
  /** SPF only: the routes on which it does not pass, with what it gives there. */
  failing?: { route: string; domain: string; result: SpfResult }[];
}

export interface RouteCheck {
  /** `platform`, or the relay's name. */
  name: string;
  check: AuthenticationCheck;
}

function verification(c: AuthenticationCheck): DomainRecordCheck {
  return {
    record: 'verification',
    status: c.verification.found ? 'ok' : 'missing',
    name: c.verification.record.name,
  };
}

function dkim(c: AuthenticationCheck): DomainRecordCheck {
  const r = c.dkim.record;
  const status: DomainRecordStatus =
    r.name === null ? 'no_key' : r.valid ? 'ok' : r.found ? 'mismatch' : 'missing';
  return { record: 'dkim', status, name: r.name };
}

function spf(routes: readonly RouteCheck[]): DomainRecordCheck {
  const last = routes.map((r) => ({ route: r.name, spf: r.check.hops.at(-1)!.spf }));
  const failing = last
    .filter((l) => l.spf.result !== 'pass')
    .map((l) => ({ route: l.route, domain: l.spf.domain, result: l.spf.result }));
  const status: DomainRecordStatus =
    failing.length === 0 ? 'ok' : failing.some((f) => f.result === 'temperror') ? 'dns_error' : 'fail';
  const name = [...new Set(last.map((l) => l.spf.domain))].join(', ');
  return { record: 'spf', status, name, ...(failing.length > 0 ? { failing } : {}) };
}

function dmarc(c: AuthenticationCheck): DomainRecordCheck {
  const status: DomainRecordStatus =
    c.dmarc.record !== null ? 'ok' : c.dmarc.result === 'temperror' ? 'dns_error' : 'missing';
  return { record: 'dmarc', status, name: `_dmarc.${c.domain}` };
}

/** The four records' checks; `routes` starts with platform delivery, which every domain has. */
export function domainRecordChecks(routes: readonly RouteCheck[]): DomainRecordCheck[] {
  const first = routes[0]!.check;
  return [verification(first), dkim(first), spf(routes), dmarc(first)];
}
