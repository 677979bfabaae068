/**
 * The answers to requests Node's HTTP parser refuses, as bytes on the wire: status, the error
 * format and the security headers. 431 and 400 are also tested against a running server
 * (test/api/error-format.test.ts); a 408 needs Node's request timeout, so it is read here.
 */
import { describe, expect, it } from 'vitest';
import { clientErrorResponse } from '../../src/api/client-errors.js';

const parse = (response: string) => {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [status = '', ...lines] = head.split('\r\n');
  return {
    status,
    headers: Object.fromEntries(lines.map((l) => l.split(': ') as [string, string])),
    body: JSON.parse(body),
    length: Buffer.byteLength(body),
  };
};

describe('answers to requests the HTTP parser refuses', () => {
  it.each([
    ['ERR_HTTP_REQUEST_TIMEOUT', 'HTTP/1.1 408 Request Timeout', 'request_timeout'],
    [
      'HPE_HEADER_OVERFLOW',
      'HTTP/1.1 431 Request Header Fields Too Large',
      'request_header_fields_too_large',
    ],
    ['HPE_INVALID_METHOD', 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [undefined, 'HTTP/1.1 400 Bad Request', 'bad_request'],
  ])('%s is answered "%s" with code %s in the error format', (nodeCode, status, code) => {
    const r = parse(clientErrorResponse(nodeCode));
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(r.headers['content-length'])).toBe(r.length);
    expect(r.headers.connection).toBe('close');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });
});
