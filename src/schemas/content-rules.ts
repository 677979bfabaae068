/**
 * Content rules (SPEC R25, `/api/v1/content-rules`): an org's notices (top) and footers (bottom),
 * each with a text version and optionally an HTML one, for some email types and optionally only
 * some recipient domains (a domain covers its subdomains). Rules apply in `order`, lowest first.
 */
import { z } from 'zod';
import { normalizeDomain } from '../domain/domain-names.js';
import { fragmentIssue } from '../domain/html-fragment.js';
import { templateIssue } from '../domain/merge-fields.js';
import { addCoded } from './coded-check.js';
import { emailTypeSchema } from './relays.js';

export const contentPositionSchema = z.enum(['notice', 'footer'], {
  error: 'must be "notice" (top) or "footer" (bottom)',
});

const domainSchema = z
  .string()
  .max(253)
  .transform((s, ctx) => {
    const d = normalizeDomain(s);
    if (!d) {
      addCoded(ctx, { code: 'domain_name', message: 'must be a domain name such as example.com' });
      return z.NEVER;
    }
    return d;
  });

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  position: contentPositionSchema,
  text: z
    .string()
    .min(1, 'must not be empty')
    .max(10_000, 'must be at most 10000 characters')
    .superRefine((t, ctx) => {
      const problem = templateIssue(t);
      if (problem) addCoded(ctx, problem);
    })
    .describe('Plain-text version; `{{field}}` merges as in mass email'),
  html: z
    .string()
    .max(20_000, 'must be at most 20000 characters')
    .superRefine((h, ctx) => {
      const problem = fragmentIssue(h) ?? templateIssue(h);
      if (problem) addCoded(ctx, problem);
    })
    .nullable()
    .describe('HTML version (a fragment); when absent the text version is used, escaped'),
  emailTypes: z
    .array(emailTypeSchema)
    .min(1, 'must name at least one email type')
    .transform((t) => [...new Set(t)]),
  recipientDomains: z
    .array(domainSchema)
    .max(100, 'at most 100 domains')
    .transform((d) => [...new Set(d)])
    .describe('Only recipients at these domains or their subdomains; empty: every recipient'),
  order: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be between 0 and 10000')
    .max(10_000, 'must be between 0 and 10000')
    .describe('Rules apply lowest first'),
  enabled: z.boolean(),
};

export const contentRuleCreateSchema = z
  .object({
    ...fields,
    html: fields.html.optional(),
    recipientDomains: fields.recipientDomains.default([]),
    order: fields.order.default(100),
    enabled: fields.enabled.default(true),
  })
  .strict();
export type ContentRuleCreate = z.infer<typeof contentRuleCreateSchema>;

export const contentRulePatchSchema = z.object(fields).partial().strict();
export type ContentRulePatch = z.infer<typeof contentRulePatchSchema>;

export const contentRuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    position: contentPositionSchema,
    text: z.string(),
    html: z.string().nullable(),
    emailTypes: z.array(emailTypeSchema),
    recipientDomains: z.array(z.string()),
    order: z.number(),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ContentRule' });
export type ContentRuleView = z.infer<typeof contentRuleSchema>;

export const contentRuleListSchema = z.object({ items: z.array(contentRuleSchema) });

/** What a message keeps of the rules in force when it was submitted, in the order they apply. */
export interface AppliedRule {
  id: string;
  position: 'notice' | 'footer';
  text: string;
  html: string | null;
  recipientDomains: string[];
}
