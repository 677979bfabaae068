/** `{{field}}` merging of mass email (SPEC R25) and HTML escaping, shared by composition and content rules. */

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Replaces `{{field}}` with the recipient's value (HTML-escaped in HTML); unknown fields become empty. */
export function merge(template: string, fields: Record<string, string> | undefined, html: boolean): string {
  return template.replace(/\{\{\s*(\w{1,64})\s*\}\}/g, (_m, name: string) => {
    const v = fields?.[name] ?? '';
    return html ? escapeHtml(v) : v;
  });
}
