/**
 * The shape of a relay's authentication check (R21): what SPF says on each hop, whether DKIM is
 * present and aligned, the DMARC verdict, and the findings that say what to fix. Results are named
 * as mailauth names them. The HTTP contract (schemas/authentication.ts) is built from these.
 */
export const spfResults = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'] as const;
export type SpfResult = (typeof spfResults)[number];

export const dmarcResults = ['pass', 'fail', 'none', 'temperror', 'permerror'] as const;
export type DmarcResult = (typeof dmarcResults)[number];

export const hopEndpoints = ['platform', 'relay', 'recipient'] as const;

export interface Hop {
  from: (typeof hopEndpoints)[number];
  to: (typeof hopEndpoints)[number];
  spf: { result: SpfResult; domain: string; ip: string | null; record: string | null };
}

export interface TxtRecord {
  type: 'TXT';
  name: string;
  value: string;
}

export const findingSeverities = ['error', 'warning', 'info'] as const;

export const findingCodes = [
  'domain_unverified',
  'dkim_signing_off',
  'dkim_no_key',
  'dkim_record_missing',
  'dkim_record_mismatch',
  'dkim_platform_key',
  'spf_platform_hop',
  'spf_relay_hop_platform_return_path',
  'spf_relay_hop',
  'relay_host_unresolved',
  'relay_allow_list',
  'dmarc_missing',
  'dmarc_fail',
  'dmarc_pass',
  'dns_error',
] as const;

export interface Finding {
  severity: (typeof findingSeverities)[number];
  code: (typeof findingCodes)[number];
  message: { ja: string; en: string };
  /** The exact DNS record to publish, where the fix is one. */
  record?: TxtRecord;
  /** Egress ranges to allow-list on the relay. */
  ranges?: string[];
}

export interface AuthenticationCheck {
  domain: string;
  returnPath: string;
  hops: Hop[];
  dkim: {
    signing: boolean;
    domain: string | null;
    aligned: boolean;
    record: { name: string | null; found: boolean; valid: boolean; expected: TxtRecord | null };
  };
  dmarc: { record: string | null; policy: string | null; result: DmarcResult };
  verification: { record: TxtRecord; found: boolean };
  findings: Finding[];
}
