/**
 * A content rule as the admin edits it (the domains as free text, the order as typed) and its
 * translation to the API's input, and the API's field messages keyed by the form's fields.
 */
import { emailTypes } from '../../../src/domain/email-types.js';
import type { ContentPosition, ContentRule, ContentRuleCreate, EmailType } from '../api/types';

export interface RuleDraft {
  name: string;
  position: ContentPosition;
  text: string;
  html: string;
  emailTypes: EmailType[];
  domains: string;
  order: string;
  enabled: boolean;
}

export const emptyRuleDraft: RuleDraft = {
  name: '',
  position: 'footer',
  text: '',
  html: '',
  emailTypes: [...emailTypes],
  domains: '',
  order: '100',
  enabled: true,
};

export function draftFromRule(r: ContentRule): RuleDraft {
  return {
    name: r.name,
    position: r.position,
    text: r.text,
    html: r.html ?? '',
    emailTypes: [...r.emailTypes],
    domains: r.recipientDomains.join('\n'),
    order: String(r.order),
    enabled: r.enabled,
  };
}

/** The domains typed one a line or separated by commas or spaces, in the order given. */
export function domainList(text: string): string[] {
  return text.split(/[\s,、]+/).filter((d) => d !== '');
}

/** The whole rule, for creating it or replacing every field of a saved one. */
export function draftToInput(d: RuleDraft): Required<ContentRuleCreate> {
  return {
    name: d.name,
    position: d.position,
    text: d.text,
    html: d.html.trim() === '' ? null : d.html,
    emailTypes: d.emailTypes,
    recipientDomains: domainList(d.domains),
    order: d.order.trim() === '' ? Number.NaN : Number(d.order),
    enabled: d.enabled,
  };
}

/**
 * The API's `fields` by form field: a message about one recipient domain (`recipientDomains.2`)
 * is shown with the domain it is about, beside the domains field.
 */
export function ruleFieldErrors(fields: Record<string, string>, d: RuleDraft): Record<string, string> {
  const out: Record<string, string> = {};
  const domains = domainList(d.domains);
  for (const [key, message] of Object.entries(fields)) {
    const [field = key, index] = key.split('.');
    const domain = field === 'recipientDomains' && index !== undefined ? domains[Number(index)] : undefined;
    out[field] ??= domain === undefined ? message : `${domain}: ${message}`;
  }
  return out;
}
