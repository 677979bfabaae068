/**
 * The body of `POST /api/v1/mass-emails`. A small one (a `Content-Length` up to 1 MiB) is parsed
 * whole and checked by the route's schema as every other body; a bigger one, or one of unknown
 * length (chunked), is handed to the route unread, as a `StreamedBody`, and read as it arrives
 * (`json-members.ts`, `intake/submit-mass-stream.ts`), so that a million recipients never sit in
 * memory at once. Either way it may have at most `MASS_BODY_LIMIT` bytes (413 naming the limit).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../domain/errors.js';
import type { MassBodyPiece } from '../intake/submit-mass-stream.js';
import { parseJsonBody } from './json-body.js';
import { JsonMembers } from './json-members.js';

/** Bodies up to this many bytes are parsed whole. */
export const STREAM_ABOVE = 1024 * 1024;
/** The most bytes a mass email's body may have: a million recipients of 500 bytes, and the content. */
export const MASS_BODY_LIMIT = 600 * 1024 * 1024;

const tooLarge = () =>
  new AppError(
    'payload_too_large',
    `the request body is larger than the limit of ${MASS_BODY_LIMIT} bytes (${MASS_BODY_LIMIT / 1024 / 1024} MiB) for a mass email`,
  );

/** A body left unread for the route to read as it arrives. */
export class StreamedBody {
  constructor(readonly raw: IncomingMessage) {}

  /** The body's members and recipients, in order. */
  async *pieces(): AsyncGenerator<MassBodyPiece> {
    const members = new JsonMembers('recipients', MASS_BODY_LIMIT);
    // Not destroyed when the reader stops early (a refused recipient): the 400 still has to go out.
    for await (const chunk of this.raw.iterator({ destroyOnReturn: false })) {
      try {
        yield* members.push(chunk as Buffer);
      } catch (err) {
        throw err instanceof AppError && err.code === 'payload_too_large' ? tooLarge() : err;
      }
    }
    members.end();
  }

  /** Reads and drops what is left of the body, so that the reply is read by the client. */
  discard(): void {
    this.raw.resume();
  }
}

/** Installs the mass email's body parser in `scope` (a plugin holding only that route). */
export function parseMassEmailBodies(scope: FastifyInstance): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', (request, payload, done) => {
    const length = Number(request.headers['content-length'] ?? Number.NaN);
    if (length > MASS_BODY_LIMIT) return done(tooLarge(), undefined);
    if (!(length <= STREAM_ABOVE)) return done(null, new StreamedBody(payload));
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (c: Buffer) => {
      size += c.length;
      chunks.push(c);
    });
    payload.on('error', (err) => done(err, undefined));
    payload.on('end', () => {
      if (size > STREAM_ABOVE) return done(tooLarge(), undefined);
      try {
        done(null, parseJsonBody(Buffer.concat(chunks)));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  });
}

/** The route's schema checks a parsed body; a streamed one is checked as it is read. */
export const massEmailValidator: FastifySchemaCompiler<unknown> = (route) => {
  const zod = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
  return (data: unknown) => (data instanceof StreamedBody ? { value: data } : zod(data));
};
