/**
 * The JSON body parser. An empty body is no body: many HTTP clients send `Content-Type:
 * application/json` with nothing after it on a bodiless action (`/enable`, `/verify`, sign-out…);
 * those routes take no body and must accept that, while a route that needs one still refuses a
 * missing one through its schema. The bytes must be UTF-8 (never silently replaced by U+FFFD), and
 * keys that could reach object prototypes (`__proto__`, `constructor.prototype`) are refused; both
 * answer 400 naming the field, found by the pure rules of `domain/`. Anything else that is not
 * JSON is "not valid JSON".
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import { jsonPathAt } from '../domain/json-path-at.js';
import { findPrototypeKey } from '../domain/prototype-keys.js';
import { firstInvalidUtf8 } from '../domain/utf8.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function refuseField(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field}: ${message}`, { [field]: message });
}

export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes) ?? 0;
    const field = jsonPathAt(bytes.subarray(0, at).toString('utf8')) ?? 'body';
    throw refuseField(field, `is not valid UTF-8 (byte ${at} of the body); send JSON encoded as UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'the request body is not valid JSON');
  }
  if (text.includes('__proto__') || text.includes('constructor')) {
    const key = findPrototypeKey(value);
    if (key) throw refuseField(key, 'is not allowed (a key that could change object prototypes)');
  }
  return value;
}

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
