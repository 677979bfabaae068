/**
 * Classification of one bounced recipient (SPEC R18), pure and driven by `rules.ts`.
 *
 * Order: a success (action delivered/relayed/expanded, status 2.x.x) is `delivered`; a decisive
 * status code wins next; then the first text rule matching the diagnostic; then the severity alone
 * (a failure is `soft` unless a rule says the address is bad). Nothing to go on gives `unknown`.
 * When the bounce gave no status, one is inferred: from the matched rule (with the class digit of
 * the reply code or action when there is one), else `5.0.0`/`4.0.0` from the reply code or action.
 */
import { statusRules, textRules } from './rules.js';
import { bestStatus, findReplyCodes, isGeneric, normalizeStatus } from './status.js';
import type { BounceClass } from './types.js';

export interface ClassifyInput {
  status?: string;
  diagnosticCode?: string;
  action?: string;
  /** The SMTP command the failure answered, when the bounce says (see smtp-command.ts). */
  command?: string;
}

export interface Classification {
  class: BounceClass;
  ruleId: string;
  /** The given status, or the inferred one ('' when nothing implies any). */
  status: string;
}

const successActions = new Set(['delivered', 'relayed', 'expanded']);

function severityOf(status: string, diagnostic: string, action: string): '' | '4' | '5' {
  if (status.startsWith('4') || status.startsWith('5')) return status[0] as '4' | '5';
  const code = findReplyCodes(diagnostic).find((c) => c[0] === '4' || c[0] === '5');
  if (code) return code[0] as '4' | '5';
  if (action === 'failed') return '5';
  if (action === 'delayed') return '4';
  return '';
}

function withDigit(status: string, digit: '' | '4' | '5'): string {
  return digit && status ? `${digit}${status.slice(1)}` : status;
}

/**
 * A server that accepted the recipient and refused the message in reply to DATA, with no status
 * code saying the mailbox is bad, is refusing the content whatever its wording: not a reason to
 * suppress the address.
 */
function afterData(input: ClassifyInput, c: Classification): Classification {
  return c.class === 'hard' && input.command?.toUpperCase() === 'DATA'
    ? { ...c, class: 'soft', ruleId: 'refused-after-data' }
    : c;
}

export function classify(input: ClassifyInput): Classification {
  const action = (input.action ?? '').trim().toLowerCase();
  const diagnostic = input.diagnosticCode ?? '';
  const stated = normalizeStatus(input.status ?? '');
  const quoted = bestStatus(diagnostic);
  const given = quoted && !isGeneric(quoted) ? quoted : stated || quoted;
  if (successActions.has(action) || given.startsWith('2.')) {
    return { class: 'delivered', ruleId: 'delivered', status: given || '2.0.0' };
  }
  const decisive = given ? statusRules.find((r) => r.pattern.test(given)) : undefined;
  if (decisive) return { class: decisive.class, ruleId: decisive.id, status: given };
  const digit = severityOf(given, diagnostic, action);
  const rule = textRules.find((r) => r.pattern.test(diagnostic));
  if (rule) {
    const status = given || withDigit(rule.status ?? '', digit || (rule.status?.[0] as '4' | '5'));
    return afterData(input, { class: rule.class, ruleId: rule.id, status });
  }
  if (digit) return { class: 'soft', ruleId: `fallback-${digit}xx`, status: given || `${digit}.0.0` };
  return { class: 'unknown', ruleId: 'fallback-unknown', status: given };
}
