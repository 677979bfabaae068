/**
 * The one error handler: every failure leaves as `{ error: { code, message, fields?, issues? } }`
 * with the status of its code; `issues` gives each field's problem as a code and parameters
 * (`domain/field-issues.ts`) so that a client can word it in its user's language. Validation problems name their fields; framework errors keep their 4xx
 * meaning; anything unexpected is logged and answered with a bare 500 (no stack, no SQL).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, errorCodes } from '../domain/errors.js';
import { type FieldIssue, fieldsOfIssues, issuesOfFields } from '../domain/field-issues.js';
import { issueOfZod, type ZodLikeIssue } from '../schemas/field-issues.js';

export function errorBody(
  code: ErrorCode,
  message: string,
  fields?: Record<string, string>,
  details?: Record<string, unknown>,
) {
  const issues = fields && !details?.issues ? { issues: issuesOfFields(fields) } : {};
  return { error: { code, message, ...(fields ? { fields } : {}), ...issues, ...(details ?? {}) } };
}

/** A validation error as fastify-type-provider-zod gives it: the zod issue's code as `keyword`, the
 * rest of the issue (limits, format, values…) as `params` (older versions: the issue in `params.issue`). */
interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: ZodLikeIssue & { issue?: ZodLikeIssue };
}

function issuesOf(validation: ValidationIssue[]): FieldIssue[] {
  return validation.map((v) => {
    const { issue: nested, ...rest } = v.params ?? {};
    const zod: ZodLikeIssue = nested ?? { ...rest, code: v.keyword };
    const path = zod.path ?? v.instancePath?.split('/').filter(Boolean) ?? [];
    return issueOfZod(
      { ...zod, message: zod.message ?? v.message ?? 'is invalid' },
      path.map(String).join('.') || '(body)',
    );
  });
}

const frameworkCodes: Record<number, ErrorCode> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Error bodies are ours and plain: written as they are, so a field named `__proto__` survives
  // (the schema serializer would copy it by assignment and lose it).
  reply.serializer(JSON.stringify);
  if (err instanceof AppError) {
    const retryAfter = err.details?.retryAfterSeconds;
    if (err.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.code(err.status).send(errorBody(err.code, err.message, err.fields, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    if (err.validationContext === 'body' && (request.body === undefined || request.body === null)) {
      return reply.code(400).send(
        errorBody('validation_failed', 'the request body is empty; this route needs a JSON object', {
          '(body)': 'is required',
        }),
      );
    }
    const issues = issuesOf(err.validation as ValidationIssue[]);
    const fields = fieldsOfIssues(issues);
    const where = err.validationContext ?? 'request';
    const message = `invalid ${where}: ${Object.entries(fields)
      .map(([k, m]) => `${k} ${m}`)
      .join('; ')}`;
    return reply.code(400).send(errorBody('validation_failed', message, fields, { issues }));
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = frameworkCodes[status] ?? 'bad_request';
    const message =
      /JSON/i.test(err.code ?? '') || err instanceof SyntaxError
        ? 'the request body is not valid JSON'
        : publicMessage(err, code);
    return reply.code(errorCodes[code]).send(errorBody(code, message));
  }
  request.log.error({ err, event: 'http.internal_error' }, 'request failed');
  return reply.code(500).send(errorBody('internal', 'internal error; see the server log'));
}

/** Fastify's own 4xx messages are safe and useful ("Body cannot be empty…"); keep them short. */
function publicMessage(err: FastifyError, code: ErrorCode): string {
  const m = (err.message ?? '').split('\n')[0]!.slice(0, 200);
  return m || code.replace(/_/g, ' ');
}
