/**
 * Sending through an org's relay (SPEC R2): `ssl` is implicit TLS, `tls` requires STARTTLS (and
 * refuses a server that does not offer it), `none` sends in clear; certificates are verified
 * unless the relay says otherwise, against the public CAs plus the relay's own `caCertificate`.
 * The host is resolved with mailroute's resolver and checked against the operator's host policy
 * before connecting; connections bind to the data center's egress address when one is set.
 */
import { rootCertificates } from 'node:tls';
import { isIpLiteral } from '../domain/hosts.js';
import type { RelaysTable } from '../store/schema.js';
import type { PoolOptions } from './smtp-pools.js';

export type RelayAuth =
  | { type: 'none' }
  | { type: 'password'; username: string; password: string }
  | { type: 'oauth2'; user: string; accessToken: string };

/** Connect and greeting waits; a stalled reply (e.g. after DATA) waits twice as long. */
export function smtpTimeouts(timeoutMs: number) {
  return {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 2 * timeoutMs,
    dnsTimeout: timeoutMs,
  };
}

export interface RelayConnection {
  /** The address to connect to, already resolved and allowed. */
  address: string;
  localAddress?: string;
  ehloName: string;
  auth: RelayAuth;
  timeoutMs: number;
}

/**
 * The public CAs plus a relay's own certificate, one array per certificate: the pool compares
 * options for every message, and a bundle it has seen compares by identity instead of by content.
 */
const bundles = new Map<string, string[]>();

function caBundle(pem: string): string[] {
  let b = bundles.get(pem);
  if (!b) {
    b = [...rootCertificates, pem];
    if (bundles.size >= 100) bundles.delete(bundles.keys().next().value!);
    bundles.set(pem, b);
  }
  return b;
}

export function relayPoolOptions(r: RelaysTable, c: RelayConnection): PoolOptions {
  const auth =
    c.auth.type === 'password'
      ? { user: c.auth.username, pass: c.auth.password }
      : c.auth.type === 'oauth2'
        ? { type: 'OAuth2' as const, user: c.auth.user, accessToken: c.auth.accessToken }
        : undefined;
  return {
    host: c.address,
    port: r.port,
    secure: r.security === 'ssl',
    requireTLS: r.security === 'tls',
    ignoreTLS: r.security === 'none',
    tls: {
      rejectUnauthorized: r.verify_certificate === 1,
      servername: isIpLiteral(r.host) ? undefined : r.host,
      ca: r.ca_certificate ? caBundle(r.ca_certificate) : undefined,
      minVersion: 'TLSv1.2',
    },
    auth,
    // nodemailer skips AUTH when the server does not advertise it and sends unauthenticated: a
    // relay with credentials whose server offers no AUTH (or whose AUTH line was stripped on the
    // way) must fail as an authentication failure instead, as the relay test says. Forced, AUTH
    // goes to the server mailroute would have authenticated to anyway; its refusal is an EAUTH.
    forceAuth: auth !== undefined,
    name: c.ehloName,
    localAddress: c.localAddress,
    maxConnections: r.max_connections,
    ...smtpTimeouts(c.timeoutMs),
  };
}

export function relayPoolKey(r: RelaysTable): string {
  return `relay:${r.id}`;
}
