/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), except that an empty
 * body is no body. Many HTTP clients send `Content-Type: application/json` with nothing after it on
 * a bodiless action (`/enable`, `/verify`, sign-out…); those routes take no body and must accept
 * that. A route that needs a body still refuses a missing one: its schema names the problem.
 */
import type { FastifyInstance } from 'fastify';

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser<string>('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, body, done);
  });
}
