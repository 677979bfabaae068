/**
 * The TLS of the pooled connection that just sent a message (issue 21: each attempt records the TLS
 * version and whether the certificate was verified). Nodemailer's pool does not report which
 * connection carried a message, so this reads it where the pool keeps it: while the send's
 * callback runs, the connection still holds the queue entry of that message. The fields read are
 * internal to nodemailer (pinned in package-lock.json); anything not found gives undefined (not
 * known) rather than an error, and `test/delivery/mta-sts.test.ts` notices if they move.
 */
import type { Transporter } from 'nodemailer';

export interface ConnectionTls {
  /** `TLSv1.3`, `TLSv1.2`…; null: the message went in clear. */
  version: string | null;
  /** The server's certificate was verified against the trusted CAs and the host name. */
  verified: boolean;
}

interface PooledConnection {
  queueEntry?: { mail?: { data?: { raw?: unknown } } } | false;
  connection?: {
    secure?: boolean;
    _socket?: { getProtocol?: () => string | null; authorized?: boolean };
  };
}

export function connectionTls(transporter: Transporter, raw: Buffer): ConnectionTls | undefined {
  const pool = (transporter as unknown as { transporter?: { _connections?: PooledConnection[] } })
    .transporter;
  const resource = pool?._connections?.find((c) => c.queueEntry && c.queueEntry.mail?.data?.raw === raw);
  const connection = resource?.connection;
  if (!connection) return undefined;
  if (!connection.secure) return { version: null, verified: false };
  const socket = connection._socket;
  if (typeof socket?.getProtocol !== 'function') return undefined;
  return { version: socket.getProtocol() ?? null, verified: socket.authorized === true };
}
