/**
 * Errors that match the README (issue 14, point 12): a request the HTTP parser refuses (headers
 * too large, malformed) still gets the JSON error format; a `__proto__` key is named as the field
 * it is; a wrong method on an existing route is 405 with `Allow`, not 404. A JSON body that is not
 * UTF-8 (point 13) is refused naming the field of the bad byte.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Sends `request` as bytes and reads until the server closes or answers in full. */
function raw(url: string, request: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    const done = () => {
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const body = rest.join('\r\n\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : null });
    };
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('close', done);
    socket.on('error', (err) => (text ? done() : reject(err)));
  });
}

describe.each(dialects)('error format at the edges on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers headers too large with 431 in the error format', async () => {
    const res = await raw(
      t.url,
      `GET /api/v1/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'a'.repeat(100_000)}\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.error.code).toBe('request_header_fields_too_large');
    expect(res.body.error.message).toMatch(/headers/);
    expect(JSON.stringify(res.body)).not.toContain('aaaa');
  });

  it('answers a malformed request with 400 in the error format', async () => {
    const res = await raw(t.url, 'GET /api/v1/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request' });
  });

  it('names a __proto__ key as a field instead of calling the body invalid JSON', async () => {
    const res = await t.call(
      'PATCH',
      '/api/v1/settings',
      '{"relayFallback":"retry","__proto__":{"admin":true}}',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    // Read as entries: a `__proto__` key in an object literal would set the prototype instead.
    expect(Object.entries(res.body.error.fields)).toEqual([
      ['__proto__', expect.stringContaining('not allowed')],
    ]);
    expect((await t.call('GET', '/api/v1/settings')).body.relayFallback).not.toBe('retry');
    const nested = await t.call(
      'POST',
      '/api/v1/api-keys',
      '{"name":"x","role":"send","a":{"constructor":{"prototype":{}}}}',
    );
    expect(nested.status).toBe(400);
    expect(Object.keys(nested.body.error.fields)).toEqual(['a.constructor']);
    const broken = await t.call('PATCH', '/api/v1/settings', '{"relayFallback":');
    expect(broken.body.error.message).toBe('the request body is not valid JSON');
  });

  it('answers a wrong method on an existing route with 405 and Allow', async () => {
    const res = await t.call('DELETE', '/api/v1/settings');
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD, PATCH');
    const byId = await t.call('PUT', '/api/v1/api-keys/key_123');
    expect(byId.status).toBe(405);
    expect(byId.headers.get('allow')).toBe('DELETE');
    const unknown = await t.call('GET', '/api/v1/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('allow')).toBeNull();
  });
});

describe.each(dialects)('JSON bodies that are not UTF-8 on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Posts raw bytes: the JSON text with `\xff` standing for one byte that is not UTF-8. */
  const post = async (path: string, json: string) => {
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: Buffer.from(json, 'latin1'),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('refuses a string with a byte that is not UTF-8, naming its field, instead of storing U+FFFD', async () => {
    const res = await post('/api/v1/api-keys', '{"role":"send","name":"caf\xe9 key"}');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.fields)).toEqual(['name']);
    expect(res.body.error.fields.name).toContain('UTF-8');
    const keys = (await t.call('GET', '/api/v1/api-keys')).body.items as { name: string }[];
    expect(keys.some((k) => k.name.includes('\ufffd') || k.name.startsWith('caf'))).toBe(false);
  });

  it('names the body when the bad byte is in no field', async () => {
    const res = await post('/api/v1/api-keys', '{"n\xffme":"x","role":"send"}');
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['body']);
  });

  it('still takes UTF-8 text with a byte order mark', async () => {
    const res = await post('/api/v1/api-keys', '\xef\xbb\xbf{"role":"send","name":"caf\xc3\xa9"}');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.name).toBe('café');
  });
});
