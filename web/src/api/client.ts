/**
 * The console's one way to the HTTP API: same-origin fetch with the session cookie, JSON in and
 * out, and every failure as an `ApiError` carrying the API's `{code, message, fields}`, its field
 * messages and a named limit worded in the console's language from the error's codes.
 */
import type { FieldIssue } from '../../../src/domain/field-issues.js';
import { issueFields, limitText } from '../i18n/words';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** The error body's other members, e.g. `orgs` of a 409 at sign-in, `retryAfterSeconds` of a 429. */
    readonly details: Record<string, unknown> = {},
    /** The API's field issues as codes (`fields` holds them worded in the console's language). */
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    fields?: Record<string, string>;
    issues?: FieldIssue[];
    [k: string]: unknown;
  };
}

async function failure(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {}
  const { code, message, fields, issues, ...details } = body.error ?? {};
  return new ApiError(
    res.status,
    code ?? 'http_error',
    limitText(details) ?? message ?? `HTTP ${res.status}`,
    issueFields(issues, fields ?? {}),
    details,
    issues ?? [],
  );
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = (path: string) => api<void>('DELETE', path);

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
