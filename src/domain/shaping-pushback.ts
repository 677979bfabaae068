/**
 * Pushback (issue 21): what a destination's reply asks of the destination as a whole. Not a second
 * classifier: it reads the classification `classifyReply()` (`smtp-reply.ts`) already made, and the
 * rule's patterns only pick, among replies the classifier did not call a success or a bounce, those
 * that are a receiver pushing back (`421 4.7.28`, `[TS04]`…). First matching pushback rule wins.
 */
import type { PushbackAction, ShapingRule } from './shaping.js';
import type { Classification } from './smtp-reply.js';

const compiled = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'i');
    compiled.set(source, re);
  }
  return re;
}

/** The action a failed attempt's reply calls for at its destination, if any. */
export function pushbackFor(
  rule: ShapingRule,
  classification: Pick<Classification, 'action' | 'ruleId'>,
  reply: string,
): PushbackAction | undefined {
  if (classification.action === 'sent' || classification.action === 'bounce') return undefined;
  for (const p of rule.pushback) {
    if (p.classifiedAs !== undefined && p.classifiedAs !== classification.ruleId) continue;
    if (p.reply !== undefined && !pattern(p.reply).test(reply.trim())) continue;
    return p.action;
  }
  return undefined;
}
