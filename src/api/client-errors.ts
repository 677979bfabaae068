/**
 * Requests Node's HTTP parser refuses before Fastify sees them: headers too large (431), a request
 * not finished in time (408) or not HTTP at all (400). They are answered in the one error format,
 * with the security headers, and the connection is closed. Nothing of the request is echoed.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { type ErrorCode, errorCodes } from '../domain/errors.js';
import { errorBody } from './errors.js';
import { SECURITY_HEADERS } from './security-headers.js';

const byNodeCode: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: 'request_header_fields_too_large',
    message: 'the request headers are too large (16 KiB at most in all)',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', message: 'the request was not received in time' },
};
const malformed = { code: 'bad_request' as const, message: 'the request is not valid HTTP/1.1' };

/** The whole HTTP response for a parser error of the given Node error code. Pure. */
export function clientErrorResponse(nodeCode: string | undefined): string {
  const { code, message } = byNodeCode[nodeCode ?? ''] ?? malformed;
  const status = errorCodes[code];
  const body = JSON.stringify(errorBody(code, message));
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...SECURITY_HEADERS,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Fastify's `clientErrorHandler` (called with the instance as `this`). */
export function handleClientError(
  this: { log: FastifyBaseLogger },
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug(
    { event: 'http.client_error', code: err.code },
    'refused a request the HTTP parser could not read',
  );
  if (socket.writable) socket.write(clientErrorResponse(err.code));
  socket.destroy();
}
