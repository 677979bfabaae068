import type { BounceClass } from './bounce-classes.js';
import type { BounceReason } from './bounce-reasons.js';

/**
 * Bounce value types (R18): what a parsed bounce says about each recipient. A report is a plain
 * value; deciding what to do with it (statuses, suppression) belongs to the callers.
 */
export { type BounceClass, bounceClasses } from './bounce-classes.js';

export const bounceKinds = ['dsn', 'arf', 'auto-reply', 'not-bounce'] as const;
export type BounceKind = (typeof bounceKinds)[number];

/** One recipient as a format found it, before classification. Empty strings mean "not given". */
export interface FoundRecipient {
  address: string;
  status: string;
  action: string;
  diagnosticCode: string;
  /** RFC 3464 `Original-Recipient`, when a DSN gives one besides the `Final-Recipient` it names. */
  originalRecipient?: string;
  /** The SMTP command the failure answered, when the bounce says; used by classification only. */
  command?: string;
}

export interface BounceRecipient extends Omit<FoundRecipient, 'command'> {
  class: BounceClass;
  /** Why it bounced (domain/bounce-reasons.ts); its class is the reason's. */
  reason: BounceReason;
  ruleId?: string;
}

export interface BounceReport {
  kind: BounceKind;
  recipients: BounceRecipient[];
  /** Message-ID of the returned message, when the bounce includes its headers. */
  originalMessageId?: string;
  /** Selected headers of the returned message (lower-case names), e.g. `x-mailroute-delivery`. */
  originalHeaders?: Record<string, string>;
  reportingMta?: string;
  /** ARF Feedback-Type (abuse, fraud, …) for complaints. */
  feedbackType?: string;
}
