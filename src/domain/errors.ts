/**
 * The closed set of API error codes and the one error type services throw. The HTTP layer maps a
 * code to its status and renders `{ error: { code, message, fields? } }` (SPEC §2.5); nothing else
 * (stack traces, SQL, library messages) ever reaches a client.
 */
import { type FieldIssue, fieldIssue, fieldsOfIssues, type IssueParams } from './field-issues.js';

export const errorCodes = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  limit_exceeded: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  request_header_fields_too_large: 431,
  daily_limit_exceeded: 429,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    /** Extra members of the error body, e.g. `remaining` and `resetAt` of a 429. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
/** A 400 naming one field, with the code and parameters of its problem (`domain/field-issues.ts`). */
export const invalidField = (
  field: string,
  message: string,
  code = 'invalid',
  params?: IssueParams,
  summary = `${field}: ${message}`,
) =>
  new AppError(
    'validation_failed',
    summary,
    { [field]: message },
    { issues: [fieldIssue(field, code, message, params)] },
  );

/** A 400 for several fields' issues at once. */
export const invalidFields = (message: string, issues: FieldIssue[]) =>
  new AppError('validation_failed', message, fieldsOfIssues(issues), { issues });
