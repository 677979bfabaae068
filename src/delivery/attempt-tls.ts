/** The TLS of an attempt's connection as its record keeps it (issue 21), for relay and platform attempts. */
import type { AttemptRecord } from '../queue/transitions.js';
import type { ConnectionTls } from '../transports/connection-tls.js';

/**
 * The attempt's TLS columns: the version and 1/0 for a verified certificate; in clear, no version and
 * 0. Nothing when not known (no connection, or the pool could not say).
 */
export function tlsColumns(
  tls: ConnectionTls | undefined,
): Pick<AttemptRecord, 'tls_version' | 'tls_verified'> {
  if (!tls) return {};
  return { tls_version: tls.version, tls_verified: tls.verified ? 1 : 0 };
}
