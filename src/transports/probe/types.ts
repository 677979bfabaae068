/**
 * The relay "test connection" probe's public types (SPEC R5, §3 `POST /api/v1/relays/test`). A probe
 * walks DNS → TCP → TLS → EHLO → AUTH → MAIL FROM and reports each step it reached; a step not
 * reached is absent, and so is a step that does not apply (`tls` for security `none`, `auth` for
 * authentication `none`).
 */
import type { ProbeIssue } from './explanations.js';

export type ProbeStepName = 'dns' | 'tcp' | 'tls' | 'ehlo' | 'auth' | 'mail';

export type ProbeAuth =
  | { type: 'none' }
  | { type: 'password'; username: string; password: string }
  | { type: 'oauth2'; user: string; accessToken: string };

export interface ProbeTarget {
  host: string;
  port: number;
  /** `ssl`: TLS from the first byte; `tls`: STARTTLS, refusing to go on without it; `none`: plain. */
  security: 'ssl' | 'tls' | 'none';
  verifyCertificate: boolean;
  /** PEM of a private CA, or of the relay's own self-signed certificate, trusted besides the public CAs. */
  caCertificate?: string;
  auth: ProbeAuth;
  /** The sender tried in `MAIL FROM` (never followed by RCPT TO or DATA). */
  mailFrom: string;
  /** Name sent with EHLO; default the address literal of the local end, e.g. `[192.0.2.1]`. */
  ehloName?: string;
  /** Local (egress) address to bind outgoing connections to. */
  localAddress?: string;
  /** Bound for each step (DNS, connect, handshake, each reply); default 10 s. */
  timeoutMs?: number;
}

export interface ProbeDeps {
  /** Addresses (IPv4 or IPv6) of a host name; rejects or returns `[]` when there are none. */
  resolve: (host: string) => Promise<string[]>;
  /** Clock in epoch milliseconds: step durations and the certificate dates are read from it. */
  now?: () => number;
  /** Policy for the addresses a relay may use (e.g. no link-local); an address it refuses fails `dns`. */
  allowAddress?: (address: string) => boolean;
}

export type CertificateVerdict =
  | 'valid'
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-name'
  | 'untrusted';

export interface CertificateReport {
  /** The most pressing of `problems`, or `valid`. */
  verdict: CertificateVerdict;
  /** Every problem found, most pressing first. */
  problems: Exclude<CertificateVerdict, 'valid'>[];
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** The names the certificate is for, e.g. `DNS:mail.example.com, IP Address:192.0.2.1`. */
  altNames: string;
  fingerprint256: string;
  /** OpenSSL's code for the chain problem, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  chainError?: string;
}

export interface ProbeSummary {
  code: 'dns-ip' | 'dns-resolved' | 'tcp-connected' | 'mail-accepted';
  params: Record<string, string>;
}

export interface ProbeStep {
  step: ProbeStepName;
  ok: boolean;
  ms: number;
  /** The server's reply, as sent (multi-line replies joined with `\n`). */
  reply?: string;
  detail?: string;
  /** `detail` of a step that passed, as a code and parameters (the console words it). */
  summary?: ProbeSummary;
  /** Plain words for a failure, or a warning on a step that passed. */
  explanation?: { ja: string; en: string };
  /** Machine-readable key of `explanation`. */
  issue?: ProbeIssue;
  /** On the `tls` step: the relay certificate and its verdict. */
  certificate?: CertificateReport;
}

export interface ProbeResult {
  ok: boolean;
  steps: ProbeStep[];
}
