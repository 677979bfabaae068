/**
 * Bounces at SMTP time (SPEC R18, R20): a relay or a recipient's server that refuses a delivery for
 * good while mailroute sends it is a bounce as much as a DSN arriving later, recorded with source
 * `smtp` under the same suppression rule (`bounce-outcome.ts`). Pure.
 *
 * The delivery classifier (`smtp-reply.ts`) alone decides what happens to the delivery (bounce,
 * defer, fall back); only its permanent `bounce` verdicts become bounce records, and only when a
 * remote party gave the answer: a server replying to an SMTP command, or the recipient domain's DNS
 * saying the domain does not exist or accepts no mail. A refusal of mailroute's own (its host
 * policy) is never the recipient's doing and records nothing. The bounce classifier then says the
 * class and reason, from the status, the reply text and the command it answered.
 */
import type { BounceClass } from './bounce-classes.js';
import type { BounceReason } from './bounce-reasons.js';
import type { Classification, SmtpStep } from './smtp-reply.js';

/** The source of a bounce recorded while sending. */
export const smtpBounceSource = 'smtp';

/** What answered a failed attempt: an SMTP step, or the recipient domain's DNS. */
export type Answered = SmtpStep | 'dns';

/** The command names the bounce classifier reads (as `bounces/smtp-command.ts` names them). */
export type BounceCommand = 'CONN' | 'EHLO' | 'MAIL' | 'RCPT' | 'DATA';

export interface SmtpBounceInput {
  status: string;
  diagnosticCode: string;
  command?: BounceCommand;
}

/** The bounce classifier's answer (`bounces/classify.ts`), as far as a recorded bounce needs it. */
export interface BounceVerdict {
  class: BounceClass;
  reason: BounceReason;
  ruleId: string;
  status: string;
}

/** The bounce classifier, injected where a lower layer needs it. */
export type SmtpBounceClassifier = (input: SmtpBounceInput) => BounceVerdict;

/** A bounce to record with a delivery's state change: what the server said and what it means. */
export interface SmtpBounce {
  status: string;
  diagnosticCode: string;
  class: BounceClass;
  reason: BounceReason;
  ruleId: string;
}

const commandOfStep: Record<Answered, BounceCommand | undefined> = {
  connect: 'CONN',
  greeting: 'CONN',
  ehlo: 'EHLO',
  starttls: 'EHLO',
  auth: 'EHLO',
  mail: 'MAIL',
  rcpt: 'RCPT',
  data: 'DATA',
  message: 'DATA',
  // DNS answered for the recipient's domain itself: no command, the status says it all.
  dns: undefined,
};

/**
 * The bounce classifier's input for a failed attempt, or undefined when the attempt records no
 * bounce: the delivery did not bounce for good, or nobody but mailroute refused it.
 */
export function smtpBounceInput(
  c: Pick<Classification, 'action' | 'permanent' | 'status'>,
  reply: string,
  answered: Answered | undefined,
): SmtpBounceInput | undefined {
  if (c.action !== 'bounce' || !c.permanent || answered === undefined) return undefined;
  const command = commandOfStep[answered];
  return { status: c.status, diagnosticCode: reply, ...(command ? { command } : {}) };
}

/** The bounce to record for a failed attempt, classified; undefined as for `smtpBounceInput`. */
export function smtpBounceOf(
  classify: SmtpBounceClassifier,
  c: Pick<Classification, 'action' | 'permanent' | 'status'>,
  reply: string,
  answered: Answered | undefined,
): SmtpBounce | undefined {
  const input = smtpBounceInput(c, reply, answered);
  if (!input) return undefined;
  const v = classify(input);
  return {
    status: v.status || input.status,
    diagnosticCode: reply,
    class: v.class,
    reason: v.reason,
    ruleId: v.ruleId,
  };
}
