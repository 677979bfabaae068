/**
 * The JSON body parser. An empty body is no body: many HTTP clients send `Content-Type:
 * application/json` with nothing after it on a bodiless action (`/enable`, `/verify`, sign-out…);
 * those routes take no body and must accept that, while a route that needs one still refuses a
 * missing one through its schema. Keys that could reach object prototypes (`__proto__`,
 * `constructor.prototype`) are refused with 400 naming the field. Anything else that is not JSON
 * is "not valid JSON".
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import { findPrototypeKey } from '../domain/prototype-keys.js';

function refuseField(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field}: ${message}`, { [field]: message });
}

export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
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
