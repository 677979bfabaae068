/**
 * A zod issue as a field issue (`domain/field-issues.ts`): its code and the parameters a
 * translation needs (limits, formats, allowed values), its English message kept. Shared by the
 * API's error handler and the console's own form checks.
 */
import { type FieldIssue, fieldIssue, type IssueParams } from '../domain/field-issues.js';

export interface ZodLikeIssue {
  code?: string;
  path?: readonly PropertyKey[];
  message?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  inclusive?: boolean;
  format?: string;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  input?: unknown;
  params?: Record<string, unknown>;
}

const num = (v: number | bigint | undefined) => (typeof v === 'bigint' ? Number(v) : v);

export function issueOfZod(issue: ZodLikeIssue, field?: string): FieldIssue {
  const name = field ?? (issue.path ?? []).map(String).join('.') ?? '';
  const at = name || '(body)';
  const message = issue.message ?? 'is invalid';
  const params: IssueParams = {};
  let code = issue.code ?? 'invalid';
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const limit = num(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      if (limit !== undefined) params[issue.code === 'too_small' ? 'minimum' : 'maximum'] = limit;
      if (issue.origin) params.origin = issue.origin;
      if (issue.inclusive === false) params.inclusive = false;
      break;
    }
    case 'invalid_format':
      if (issue.format) params.format = issue.format;
      break;
    case 'invalid_value':
      if (issue.values) params.values = issue.values.map(String).join(', ');
      break;
    case 'unrecognized_keys':
      if (issue.keys) params.keys = issue.keys.join(', ');
      break;
    case 'invalid_type':
      if (('input' in issue && issue.input === undefined) || /received undefined|is required/.test(message))
        code = 'required';
      else if (issue.expected) params.expected = issue.expected;
      break;
    case 'custom': {
      // A refinement may name its own code: `ctx.addIssue({ code: 'custom', params: { code } })`.
      const own = issue.params?.code;
      code = typeof own === 'string' ? own : message === 'is required' ? 'required' : 'invalid';
      for (const [k, v] of Object.entries(issue.params ?? {}))
        if (k !== 'code' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
          params[k] = v;
      break;
    }
  }
  if (message === 'is required' && code === 'invalid') code = 'required';
  return fieldIssue(at, code, message, Object.keys(params).length ? params : undefined);
}
