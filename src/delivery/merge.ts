/**
 * `{{field}}` merging of mass email (SPEC R25) and HTML escaping, shared by composition and content
 * rules. The rules of tags and values are in `domain/merge-fields.ts`.
 */
import { type FieldValue, fieldText, TAG } from '../domain/merge-fields.js';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type MergeFields = Record<string, FieldValue>;

/**
 * Replaces `{{field}}` with the recipient's own value (HTML-escaped in HTML); unknown fields become
 * empty. Throws `MergeError` for a value that is neither text nor a number.
 */
export function merge(template: string, fields: MergeFields | undefined, html: boolean): string {
  return template.replace(TAG, (_m, name: string) => {
    const v = fieldText(fields, name);
    return html ? escapeHtml(v) : v;
  });
}
