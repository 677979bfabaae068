/**
 * Content rules at composition (SPEC R25): which of a message's rules apply to a recipient, and
 * how notices (top) and footers (bottom) join the text and HTML bodies. Rule texts merge
 * `{{field}}` like the body does. In HTML, a rule's HTML version goes in as it is (checked for
 * balance when saved) and a text-only rule goes in escaped; notices follow `<body…>` and footers
 * precede `</body>` when the body is a whole document, else they are put before and after it.
 */
import { isWithinDomain } from '../domain/domain-names.js';
import type { AppliedRule } from '../schemas/content-rules.js';
import { escapeHtml, type MergeFields, merge } from './merge.js';

/** The rules for a recipient at `domain`, in their order. */
export function rulesFor(rules: AppliedRule[] | undefined, domain: string | undefined): AppliedRule[] {
  if (!rules) return [];
  const d = domain?.toLowerCase();
  return rules.filter(
    (r) =>
      r.recipientDomains.length === 0 ||
      (d !== undefined && r.recipientDomains.some((p) => isWithinDomain(d, p))),
  );
}

export interface Additions {
  /** Org notices in order, then the recipient's own notice (mass email). */
  notices: { text: string; html: string }[];
  footers: { text: string; html: string }[];
}

const textAsHtml = (s: string) => escapeHtml(s).replace(/\r?\n/g, '<br>\n');

function block(r: AppliedRule, fields: MergeFields | undefined) {
  const text = merge(r.text, fields, false);
  const inner = r.html !== null ? merge(r.html, fields, true) : textAsHtml(text);
  return { text, html: `<div class="mailroute-${r.position}">${inner}</div>` };
}

export function additionsFor(
  rules: AppliedRule[],
  fields: MergeFields | undefined,
  recipientNotice: string | undefined,
): Additions {
  const own = recipientNotice
    ? [{ text: recipientNotice, html: `<p>${escapeHtml(recipientNotice)}</p>` }]
    : [];
  return {
    notices: [...rules.filter((r) => r.position === 'notice').map((r) => block(r, fields)), ...own],
    footers: rules.filter((r) => r.position === 'footer').map((r) => block(r, fields)),
  };
}

export function addToText(text: string, a: Additions): string {
  return [...a.notices.map((n) => n.text), text, ...a.footers.map((f) => f.text)].join('\n\n');
}

export function addToHtml(html: string, a: Additions): string {
  let out = html;
  if (a.footers.length > 0) {
    const footer = a.footers.map((f) => f.html).join('\n');
    const close = out.toLowerCase().lastIndexOf('</body>');
    out = close >= 0 ? `${out.slice(0, close)}${footer}\n${out.slice(close)}` : `${out}\n${footer}`;
  }
  if (a.notices.length > 0) {
    const notice = a.notices.map((n) => n.html).join('\n');
    const body = /<body\b(?:[^>"']|"[^"]*"|'[^']*')*>/i.exec(out);
    out = body
      ? `${out.slice(0, body.index + body[0].length)}\n${notice}${out.slice(body.index + body[0].length)}`
      : `${notice}\n${out}`;
  }
  return out;
}
