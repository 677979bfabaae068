/**
 * The words for what the server names by code: field issues of an API error (or of the console's
 * own check with the shared schemas), the limit of a 409, attempt outcomes and the reply rule that
 * explains them, audit actions and their targets, webhook events and bounce or suppression
 * sources. Each falls back to the server's English when the catalogue has no entry.
 */
import i18n from 'i18next';
import type { FieldIssue } from '../../../src/domain/field-issues.js';
import { issueOfZod, type ZodLikeIssue } from '../../../src/schemas/field-issues.js';

const has = (key: string) => i18n.exists(key);
/** i18next nests on `.`: codes with dots are looked up with `_`. */
const keyOf = (code: string) => code.replace(/[.:]/g, '_');

function fieldIssueKey(i: FieldIssue): string {
  const p = i.params ?? {};
  const exclusive = p.inclusive === false;
  switch (i.code) {
    case 'too_small':
      if (p.origin === 'string') return p.minimum === 1 ? 'required' : 'tooShort';
      if (p.origin === 'array' || p.origin === 'set') return 'tooFew';
      return exclusive ? 'tooSmallExclusive' : 'tooSmall';
    case 'too_big':
      if (p.origin === 'string') return 'tooLong';
      if (p.origin === 'array' || p.origin === 'set') return 'tooMany';
      return exclusive ? 'tooBigExclusive' : 'tooBig';
    case 'invalid_format':
      return p.format === 'email' ? 'email' : p.format === 'url' ? 'url' : 'format';
    case 'invalid_value':
      return 'oneOf';
    case 'invalid_type':
      return p.expected === 'int' ? 'integer' : p.expected === 'number' ? 'number' : 'type';
    case 'unrecognized_keys':
      return 'unknownKeys';
    default:
      return i.code;
  }
}

/**
 * One field issue in the console's language. In English the API's own message is kept: it was
 * written for people and says more than a code can ("must be a domain name"), except zod's
 * defaults ("Invalid input: …"). Other languages word the code; the English is the last resort.
 */
export function issueText(i: FieldIssue): string {
  if (i18n.language === 'en' && !/^Invalid /.test(i.message)) return i.message;
  // A number checked against both ends says both ("1〜100の整数"), not only the end it crossed.
  const range = numberRangeText(i.message);
  if (range) return range;
  const key = `words.fieldIssues.${fieldIssueKey(i)}`;
  return has(key) ? i18n.t(key, i.params ?? {}) : i.message;
}

/** The API's words for a whole number out of its range, in the console's language; else undefined. */
export function numberRangeText(message: string): string | undefined {
  const between = /^must be between (-?\d+) and (-?\d+)$/.exec(message);
  if (between) return i18n.t('numbers.between', { min: between[1], max: between[2] });
  if (message === 'must be a whole number') return i18n.t('numbers.whole');
  return undefined;
}

/** Field messages by field, from the API's issues (or its plain `fields` when it sent none). */
export function issueFields(issues: readonly FieldIssue[] | undefined, fields: Record<string, string>) {
  if (!issues || issues.length === 0) return fields;
  const out: Record<string, string> = {};
  for (const i of issues) out[i.field] ??= issueText(i);
  for (const [k, v] of Object.entries(fields)) out[k] ??= v;
  return out;
}

/** The console's own check of a form with a shared schema, worded like the API's. */
export function zodIssueText(issue: ZodLikeIssue): string {
  return issueText(issueOfZod(issue));
}

/** The sentence for a 409 that names the limit it hit, if the catalogue has it. */
export function limitText(details: Record<string, unknown>): string | undefined {
  const limit = details.limit;
  const key = `words.limits.${typeof limit === 'string' ? limit : ''}`;
  return typeof limit === 'string' && has(key) ? i18n.t(key, { max: details.max }) : undefined;
}

const worded = (section: string, code: string, params?: Record<string, unknown>) => {
  const key = `words.${section}.${keyOf(code)}`;
  return has(key) ? i18n.t(key, params ?? {}) : code;
};

export const attemptActionText = (action: string) => worded('attemptActions', action);
export const replyRuleText = (ruleId: string | null) =>
  ruleId && has(`words.replyRules.${keyOf(ruleId)}`) ? i18n.t(`words.replyRules.${keyOf(ruleId)}`) : null;
export const dsnActionText = (action: string) => worded('dsnActions', action);
export const auditActionText = (action: string) => worded('audit.actions', action);
export const auditTargetText = (type: string) => worded('audit.targets', type);
export const webhookEventText = (event: string) => worded('webhookEvents', event);

/** The audit log's actions, as `writeAudit` records them (the filter offers these). */
export const auditActions = [
  'relay.create',
  'relay.update',
  'relay.delete',
  'relay.oauth_connected',
  'relay.oauth_reauth_required',
  'domain.create',
  'domain.delete',
  'domain.verified',
  'domain.dkim_activate',
  'domain.dkim_rotate',
  'content_rule.create',
  'content_rule.update',
  'content_rule.delete',
  'suppression.create',
  'suppression.delete',
  'suppression.import',
  'webhook_endpoint.create',
  'webhook_endpoint.update',
  'webhook_endpoint.delete',
  'api_key.create',
  'api_key.revoke',
  'user.create',
  'user.update',
  'user.delete',
  'user.password_change',
  'settings.update',
  'mass_email.resume',
  'org.create',
  'org.plan',
] as const;

/** `api`, `listener`, `imap`, `webhook:<provider>`, `manual`… */
export function sourceText(source: string): string {
  const [kind, provider] = source.split(':');
  return worded('sources', kind ?? source, provider ? { provider } : undefined);
}
