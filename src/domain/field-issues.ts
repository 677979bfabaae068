/**
 * What is wrong with one field of a request, for machines and for people in any language: a code
 * and its parameters (the console words them in Japanese or English), plus the English message API
 * users have always read. Pure; the console imports it too.
 */
export type IssueParams = Record<string, string | number | boolean>;

export interface FieldIssue {
  /** The field's path in the request, dotted (`bounceHandling.address`); `(body)` for the whole. */
  field: string;
  /**
   * zod's issue codes (`too_small`, `too_big`, `invalid_format`, `invalid_value`, `invalid_type`,
   * `unrecognized_keys`), `required`, or one of the service checks' codes (`unknown_domain`,
   * `already_exists`, `port_not_allowed`, `above_plan_limit`, …); `invalid` when nothing better.
   */
  code: string;
  params?: IssueParams;
  message: string;
}

/** What a pure check found wrong, coded for translation like any field issue (no field yet). */
export interface CodedProblem {
  code: string;
  message: string;
  params?: IssueParams;
}

export const fieldIssue = (
  field: string,
  code: string,
  message: string,
  params?: IssueParams,
): FieldIssue => ({
  field,
  code,
  message,
  ...(params ? { params } : {}),
});

/** The English messages by field, the first of each (the error body's `fields`). */
export function fieldsOfIssues(issues: readonly FieldIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const i of issues) fields[i.field] ??= i.message;
  return fields;
}

/** Issues for `fields` that came with no code: each `invalid`, or `required` for "is required". */
export function issuesOfFields(fields: Record<string, string>): FieldIssue[] {
  return Object.entries(fields).map(([field, message]) =>
    fieldIssue(field, message === 'is required' ? 'required' : 'invalid', message),
  );
}
