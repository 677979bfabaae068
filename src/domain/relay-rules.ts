/**
 * Relay rules (SPEC R2, R3, R6): what a relay's settings must satisfy beyond their shape, and the
 * warnings that do not stop saving. Pure: the caller supplies the operator's policy, the plan, the
 * relay's domain and the data center's ranges.
 */
import { X509Certificate } from 'node:crypto';
import type { BounceHandling } from './bounce-handling.js';
import { addressDomain, isWithinDomain } from './domain-names.js';
import { type FieldIssue, fieldIssue, fieldsOfIssues, type IssueParams } from './field-issues.js';
import { checkRelayHost } from './hosts.js';
import type { RelayWarning } from './relay-warnings.js';

export interface RelayPolicy {
  relayPorts: 'any' | readonly number[];
  relayHosts: 'any' | 'public-only';
  planName: string;
  planDailyLimit: number;
}

export interface RelaySettings {
  host: string;
  port: number;
  security: 'ssl' | 'tls' | 'none';
  verifyCertificate: boolean;
  caCertificate: string | null;
  dailyLimit: number;
  bounceHandling: BounceHandling;
  authType: 'none' | 'password' | 'oauth2';
  passwordAvailable: boolean;
}

/** Field errors keyed by API field path; empty when the settings are acceptable. Returns the normalized host. */
export function checkRelaySettings(
  s: RelaySettings,
  domain: string,
  policy: RelayPolicy,
): { fields: Record<string, string>; issues: FieldIssue[]; host: string } {
  const issues: FieldIssue[] = [];
  const add = (field: string, code: string, message: string, params?: IssueParams) =>
    issues.push(fieldIssue(field, code, message, params));
  const host = checkRelayHost(s.host, policy.relayHosts);
  if ('error' in host) add('host', 'host_not_allowed', host.error);
  if (policy.relayPorts !== 'any' && !policy.relayPorts.includes(s.port)) {
    add('port', 'port_not_allowed', `must be one of ${policy.relayPorts.join(', ')}`, {
      values: policy.relayPorts.join(', '),
    });
  }
  if (s.dailyLimit > policy.planDailyLimit) {
    add(
      'dailyLimit',
      'above_plan_limit',
      `must be at most ${policy.planDailyLimit}, the daily limit of the "${policy.planName}" plan`,
      { maximum: policy.planDailyLimit, plan: policy.planName },
    );
  }
  if (s.bounceHandling.mode === 'address') {
    const d = addressDomain(s.bounceHandling.address);
    if (!d || !/^[^\s@<>()",;]+@/.test(s.bounceHandling.address))
      add('bounceHandling.address', 'invalid_format', 'must be an email address', { format: 'email' });
    else if (!isWithinDomain(d, domain))
      add(
        'bounceHandling.address',
        'address_outside_domain',
        `must be an address at ${domain}, the relay's domain`,
        {
          domain,
        },
      );
  }
  if (s.authType === 'password' && !s.passwordAvailable)
    add('authentication.password', 'required', 'is required');
  if (s.caCertificate !== null && s.caCertificate.trim() !== '') {
    const problem = pemProblem(s.caCertificate);
    if (problem) add('caCertificate', 'invalid_certificate', problem);
  }
  const fields = fieldsOfIssues(issues);
  return { fields, issues, host: 'host' in host ? host.host : s.host };
}

function pemProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)';
  try {
    for (const b of blocks) new X509Certificate(b);
  } catch {
    return 'is not a readable certificate';
  }
  return undefined;
}

type Msg = { ja: string; en: string };

const messages = {
  port_465_starttls: {
    en: 'Port 465 normally expects SSL (implicit TLS), not STARTTLS.',
    ja: 'ポート465では通常、STARTTLSではなくSSL接続（暗黙的TLS）を使います。',
  },
  port_587_implicit_tls: {
    en: 'Port 587 normally expects STARTTLS (TLS), not SSL.',
    ja: 'ポート587では通常、SSL接続ではなくSTARTTLS（TLS）を使います。',
  },
  port_25_plaintext: {
    en: 'Port 25 without encryption sends mail and passwords in clear text; choose TLS if the relay offers STARTTLS.',
    ja: 'ポート25で暗号化しないと、メールとパスワードが平文で送られます。リレーがSTARTTLSに対応していればTLSを選んでください。',
  },
  certificate_not_verified: {
    en: "The relay's certificate is not verified: anyone on the path could impersonate it. Trust its CA with caCertificate instead.",
    ja: 'リレーの証明書を検証しません。経路上の第三者がなりすませます。代わりにCA証明書（caCertificate）を登録してください。',
  },
  open_relay: {
    en: "Without authentication, this relay must allow-list the data center's IP ranges (it accepts mail from them as an open relay).",
    ja: '認証なしの場合、このリレーサーバーでデータセンターのIPアドレス範囲を許可リストに登録する必要があります（オープンリレー）。',
  },
  domain_unverified: {
    en: 'The domain is not verified yet: mail from it is refused until its TXT record is found.',
    ja: 'ドメインがまだ認証されていません。TXTレコードが確認されるまで、このドメインからのメールは受け付けられません。',
  },
} satisfies Record<RelayWarning['code'], Msg>;

export function relayWarnings(
  s: Pick<RelaySettings, 'port' | 'security' | 'verifyCertificate' | 'authType'>,
  context: { domainVerified: boolean; egressRanges: readonly string[] },
): RelayWarning[] {
  const w: RelayWarning[] = [];
  const add = (code: RelayWarning['code'], extra: Partial<RelayWarning> = {}) =>
    w.push({ code, message: messages[code], ...extra });
  if (s.port === 465 && s.security === 'tls') add('port_465_starttls');
  if (s.port === 587 && s.security === 'ssl') add('port_587_implicit_tls');
  if (s.port === 25 && s.security === 'none') add('port_25_plaintext');
  if (!s.verifyCertificate && s.security !== 'none') add('certificate_not_verified');
  if (s.authType === 'none') add('open_relay', { ranges: [...context.egressRanges] });
  if (!context.domainVerified) add('domain_unverified');
  return w;
}

export function relayStatus(
  r: { enabled: boolean; suspendedUntil: number | null },
  now: number,
): 'active' | 'disabled' | 'suspended' {
  if (!r.enabled) return 'disabled';
  if (r.suspendedUntil !== null && r.suspendedUntil > now) return 'suspended';
  return 'active';
}
