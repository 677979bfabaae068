/**
 * Classification of one bounced recipient (SPEC R18), pure and driven by `rules.ts`.
 *
 * Order: a success (action delivered/relayed/expanded, status 2.x.x) is `delivered`; a decisive
 * status code wins next, except that a bare bad-mailbox status (X.1.1) yields to wording that names
 * another cause (rules marked `beatsBadMailboxStatus`); then the first text rule matching the
 * diagnostic; then the severity alone (a failure is `soft` unless a rule says the address is bad).
 * Nothing to go on gives `unknown`. The SMTP command the failure answered, when known, tempers the
 * result: a refusal of MAIL FROM, EHLO or the connection never judged the recipient, and one of
 * DATA judged the content (see `byCommand`).
 * When the bounce gave no status, one is inferred: from the matched rule (with the class digit of
 * the reply code or action when there is one), else `5.0.0`/`4.0.0` from the reply code or action.
 */

import { type BounceReason, classOfReason } from '../domain/bounce-reasons.js';
import type { BounceClass } from '../domain/bounce-report.js';
import { statusRules, textRules } from './rules.js';
import { bestStatus, findReplyCodes, isGeneric, normalizeStatus } from './status.js';

export interface ClassifyInput {
  status?: string;
  diagnosticCode?: string;
  action?: string;
  /** The SMTP command the failure answered, when the bounce says (see smtp-command.ts). */
  command?: string;
}

export interface Classification {
  class: BounceClass;
  /** Why: the class is this reason's (`reasonClass`), tempered by the status and the command. */
  reason: BounceReason;
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

const beforeRecipient = new Set(['CONN', 'EHLO', 'MAIL']);

/**
 * What the answered SMTP command says about a `hard` result:
 * - a refusal of the connection, EHLO or MAIL FROM came before any recipient was named, so it is
 *   about the sending host or the sender, whatever its wording or code (`refused-before-rcpt`);
 * - a server that accepted the recipient and refused the message in reply to DATA, with no status
 *   code saying the mailbox is bad, is refusing the content whatever its wording: filters and
 *   Japanese carriers answer "550 User unknown" after DATA for mail they refuse. Wording that
 *   filters do not reuse (`holdsAfterData`) still stands (`refused-after-data`).
 */
function byCommand(
  input: ClassifyInput,
  c: Classification,
  rule?: { holdsAfterData?: boolean },
): Classification {
  if (c.class !== 'hard') return c;
  const command = input.command?.toUpperCase() ?? '';
  if (beforeRecipient.has(command)) {
    const reason = command === 'MAIL' ? 'rejected' : 'blocked';
    return { ...c, class: 'soft', reason, ruleId: 'refused-before-rcpt' };
  }
  if (command === 'DATA' && rule && !rule.holdsAfterData) {
    return { ...c, class: 'soft', reason: 'filtered', ruleId: 'refused-after-data' };
  }
  return c;
}

function ruled(rule: { id: string; reason: BounceReason }, status: string): Classification {
  return { class: classOfReason(rule.reason), reason: rule.reason, ruleId: rule.id, status };
}

/**
 * A status that says nothing of the cause: absent, X.0.0, X.1.0 ("other address status") or X.5.0
 * (qmail's catch-all). Loose wording is believed only then.
 */
const saysNothing = (status: string) => status === '' || /^\d\.[015]\.0$/.test(status);

export function classify(input: ClassifyInput): Classification {
  const action = (input.action ?? '').trim().toLowerCase();
  const diagnostic = input.diagnosticCode ?? '';
  const stated = normalizeStatus(input.status ?? '');
  const quoted = bestStatus(diagnostic);
  const given = quoted && !isGeneric(quoted) ? quoted : stated || quoted;
  if (successActions.has(action) || given.startsWith('2.')) {
    return { class: 'delivered', reason: 'delivered', ruleId: 'delivered', status: given || '2.0.0' };
  }
  const byStatus = given ? statusRules.find((r) => r.pattern.test(given)) : undefined;
  const decisive = byStatus?.weak ? undefined : byStatus;
  if (decisive) {
    const renaming = textRules.find(
      (r) =>
        (decisive.id === 'status-bad-mailbox'
          ? r.beatsBadMailboxStatus
          : decisive.yieldsTo?.includes(r.id)) && r.pattern.test(diagnostic),
    );
    if (renaming) return byCommand(input, ruled(renaming, given), renaming);
    return byCommand(input, ruled(decisive, given));
  }
  const digit = severityOf(given, diagnostic, action);
  const loose = saysNothing(given);
  const believed = (r: (typeof textRules)[number]) =>
    loose || !r.vagueOnly || (r.vagueOnly instanceof RegExp && r.vagueOnly.test(given));
  const rule = textRules.find((r) => believed(r) && r.pattern.test(diagnostic));
  if (rule) {
    const status = given || withDigit(rule.status ?? '', digit || (rule.status?.[0] as '4' | '5'));
    return byCommand(input, ruled(rule, status), rule);
  }
  if (byStatus) return byCommand(input, ruled(byStatus, given));
  if (digit) {
    return {
      class: 'soft',
      reason: 'undefined',
      ruleId: `fallback-${digit}xx`,
      status: given || `${digit}.0.0`,
    };
  }
  return { class: 'unknown', reason: 'undefined', ruleId: 'fallback-unknown', status: given };
}
