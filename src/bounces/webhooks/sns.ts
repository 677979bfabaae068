/**
 * Amazon SNS message signatures: the canonical string of the message's fields, signed with RSA
 * (SHA-1 for SignatureVersion 1, SHA-256 for 2) by the certificate at `SigningCertURL`. The
 * certificate (and any `SubscribeURL`) must be https on a host matching
 * `MAILROUTE_WEBHOOK_SES_CERT_HOSTS`; plain http is allowed only for loopback hosts so tests serve
 * their own certificate. Certificates are cached per process.
 */
import { verify, X509Certificate } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { badSignature } from './verify.js';

export interface SnsMessage {
  Type?: string;
  MessageId?: string;
  TopicArn?: string;
  Subject?: string;
  Message?: string;
  Timestamp?: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  SubscribeURL?: string;
  Token?: string;
}

const FETCH_TIMEOUT_MS = 10_000;
const certificates = new WeakMap<AppContext, Map<string, X509Certificate>>();

const loopback = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The URL when SNS may be trusted to serve it, else undefined. */
export function allowedSnsUrl(ctx: AppContext, raw: string | undefined): URL | undefined {
  let u: URL;
  try {
    u = new URL(raw ?? '');
  } catch {
    return undefined;
  }
  if (u.username || u.password) return undefined;
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback.has(u.hostname))) return undefined;
  return new RegExp(ctx.config.webhooks.ses.certHosts, 'i').test(u.hostname) ? u : undefined;
}

export function snsStringToSign(m: SnsMessage): string {
  const fields: (keyof SnsMessage)[] =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((f) => m[f] !== undefined)
    .map((f) => `${f}\n${m[f]}\n`)
    .join('');
}

async function certificate(ctx: AppContext, url: URL): Promise<X509Certificate> {
  const cache = certificates.get(ctx) ?? new Map<string, X509Certificate>();
  certificates.set(ctx, cache);
  const cached = cache.get(url.href);
  if (cached) return cached;
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`signing certificate: HTTP ${res.status}`);
  const cert = new X509Certificate(await res.text());
  cache.set(url.href, cert);
  return cert;
}

export async function verifySns(ctx: AppContext, m: SnsMessage): Promise<void> {
  const url = allowedSnsUrl(ctx, m.SigningCertURL);
  if (!url) throw badSignature('the SNS signing certificate URL is not allowed');
  if (!m.Signature || (m.SignatureVersion !== '1' && m.SignatureVersion !== '2'))
    throw badSignature('the SNS signature is missing');
  let ok = false;
  try {
    const cert = await certificate(ctx, url);
    const algorithm = m.SignatureVersion === '2' ? 'sha256' : 'sha1';
    ok = verify(
      algorithm,
      Buffer.from(snsStringToSign(m)),
      cert.publicKey,
      Buffer.from(m.Signature, 'base64'),
    );
  } catch (err) {
    ctx.log.warn({ err, event: 'webhook.sns_certificate_failed' }, 'cannot check an SNS signature');
  }
  if (!ok) throw badSignature('the SNS signature does not verify');
}

/** Confirms a subscription by visiting its SubscribeURL (allowed hosts only). */
export async function confirmSubscription(ctx: AppContext, m: SnsMessage): Promise<void> {
  const url = allowedSnsUrl(ctx, m.SubscribeURL);
  if (!url) throw badSignature('the SNS SubscribeURL is not allowed');
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`SNS subscription confirmation: HTTP ${res.status}`);
  ctx.log.info({ event: 'webhook.sns_subscribed', topicArn: m.TopicArn }, 'SNS subscription confirmed');
}
