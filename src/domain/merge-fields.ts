/**
 * `{{field}}` merge tags (SPEC R25) as pure rules: what a tag is, which templates are refused, and
 * what a recipient's value becomes. A tag is `{{name}}` (spaces allowed inside the braces), the name
 * 1 to 64 letters, digits and `_`. Policy:
 * - only the recipient's own fields are read (`Object.hasOwn`), never what an object inherits;
 * - a template is refused when something between `{{` and `}}` is not a valid name, or when a tag
 *   names a member of `Object.prototype` (`constructor`, `toString`, `__proto__`…): such a tag is a
 *   mistake or a probe, never a field;
 * - a value is a string, or a finite number written in decimal; an unknown field merges as empty;
 *   any other value (only possible in data stored outside the API) makes the delivery impossible to
 *   compose (`MergeError`), which fails it for good instead of retrying it.
 */

import type { CodedProblem } from './field-issues.js';

export const TAG = /\{\{\s*(\w{1,64})\s*\}\}/g;
/** Anything between double braces that could have been meant as a tag. */
const BRACED = /\{\{([^{}]{0,200})\}\}/g;
const NAME = /^\s*\w{1,64}\s*$/;

const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A field name that names a member every object inherits. */
export const isReservedName = (name: string) => RESERVED.has(name);

export class MergeError extends Error {
  override name = 'MergeError';
}

export type FieldValue = string | number;

/** Why a template cannot be merged, coded (`merge_tag`, `reserved_field`), or undefined when it can. */
export function templateIssue(template: string): CodedProblem | undefined {
  for (const m of template.matchAll(BRACED)) {
    const inner = m[1]!;
    const tag = m[0].slice(0, 80);
    if (!NAME.test(inner))
      return {
        code: 'merge_tag',
        params: { tag },
        message: `${tag} is not a merge tag: write {{name}}, the name 1 to 64 letters, digits and _`,
      };
    const name = inner.trim();
    if (isReservedName(name))
      return {
        code: 'reserved_field',
        params: { name },
        message: `{{${name}}} is a reserved name, not a merge field`,
      };
  }
  return undefined;
}

/** Why a template cannot be merged, in English, or undefined when it can. */
export const templateProblem = (template: string): string | undefined => templateIssue(template)?.message;

/** The recipient's own value of a field as text; '' when the field is not theirs. */
export function fieldText(fields: object | undefined, name: string): string {
  if (fields === undefined || fields === null || !Object.hasOwn(fields, name)) return '';
  const v: unknown = (fields as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new MergeError(
    `merge field "${name}" holds a ${v === null ? 'null' : typeof v}, not text or a number`,
  );
}

/**
 * The subject one recipient receives: its tags merged with the recipient's own values, line breaks
 * made spaces (a header is one line). Composition sends it; the queue keeps it per delivery for the log.
 */
export function mergedSubject(template: string, fields: object | undefined): string {
  return template.replace(TAG, (_m, name: string) => fieldText(fields, name)).replace(/[\r\n]+/g, ' ');
}
