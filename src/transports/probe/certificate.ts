/**
 * The certificate verdict of a finished TLS handshake: the chain error OpenSSL found (against the
 * public CAs plus the relay's `caCertificate`), the validity dates read with the injected clock, and
 * the host name checked against the certificate's names. Several problems can hold at once; the
 * verdict is the most pressing, the one a new certificate or a pinned CA would not fix first.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { errorMessage, ProbeFailure } from './failure.js';
import type { CertificateReport, CertificateVerdict } from './types.js';

type Problem = Exclude<CertificateVerdict, 'valid'>;

const precedence: Problem[] = ['expired', 'not-yet-valid', 'wrong-name', 'self-signed', 'untrusted'];

const chainProblems: Record<string, Problem> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-name',
};

export function assessCertificate(socket: TLSSocket, hostname: string, now: number): CertificateReport {
  const cert = socket.getPeerCertificate();
  const found = new Set<Problem>();
  const chainError = authorizationCode(socket);
  if (chainError) found.add(chainProblems[chainError] ?? 'untrusted');
  const validFrom = Date.parse(cert.valid_from);
  const validTo = Date.parse(cert.valid_to);
  if (now > validTo) found.add('expired');
  if (now < validFrom) found.add('not-yet-valid');
  if (tls.checkServerIdentity(hostname, cert)) found.add('wrong-name');
  const problems = precedence.filter((p) => found.has(p));
  return {
    verdict: problems[0] ?? 'valid',
    problems,
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(validFrom),
    validTo: isoDate(validTo),
    altNames: cert.subjectaltname ?? '',
    fingerprint256: cert.fingerprint256 ?? '',
    ...(chainError ? { chainError } : {}),
  };
}

export function describeCertificate(report: CertificateReport): string {
  const also = report.problems.slice(1);
  return [
    `certificate ${report.verdict}${also.length > 0 ? ` (also ${also.join(', ')})` : ''}`,
    `subject ${report.subject}`,
    `issuer ${report.issuer}`,
    `valid ${report.validFrom} to ${report.validTo}`,
    `names ${report.altNames || 'none'}`,
    ...(report.chainError ? [`OpenSSL ${report.chainError}`] : []),
  ].join('; ');
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** A relay's `caCertificate` must hold at least one PEM certificate, each readable. */
export function checkCaCertificate(pem: string): void {
  const blocks = pem.match(pemBlock) ?? [];
  if (blocks.length === 0) {
    throw new ProbeFailure('ca-certificate-invalid', {
      detail: 'no -----BEGIN CERTIFICATE----- block found',
    });
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new ProbeFailure('ca-certificate-invalid', { detail: errorMessage(error) });
    }
  }
}

/** Node types `authorizationError` as an Error, but it holds the OpenSSL code as a string. */
function authorizationCode(socket: TLSSocket): string | undefined {
  const error: unknown = socket.authorizationError;
  if (!error) return undefined;
  if (typeof error === 'string') return error;
  if (error instanceof Error)
    return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  return String(error);
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
}

function isoDate(ms: number): string {
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
