/**
 * Bounce reasons (R18): why a recipient bounced, as data. The set follows the reasons that bounce
 * analyzers document; each reason says, in this one table, whether the address is bad (`hard`:
 * suppress it) or the failure may pass (`soft`: retry, suppress only after repeated soft bounces).
 */
import type { BounceClass } from './bounce-classes.js';

export const bounceReasons = [
  'user-unknown',
  'host-unknown',
  'has-moved',
  'mailbox-full',
  'exceed-limit',
  'message-too-big',
  'filtered',
  'rejected',
  'blocked',
  'spam-detected',
  'virus-detected',
  'policy-violation',
  'security-error',
  'no-relaying',
  'not-accept',
  'suspend',
  'expired',
  'too-many-connections',
  'rate-limited',
  'network-error',
  'system-error',
  'system-full',
  'content-error',
  'syntax-error',
  'vacation',
  'feedback',
  'delivered',
  'undefined',
] as const;
export type BounceReason = (typeof bounceReasons)[number];

/** The class each reason stands for: the one table that says hard or soft. */
export const reasonClass: Readonly<Record<BounceReason, BounceClass>> = {
  'user-unknown': 'hard',
  'host-unknown': 'hard',
  'has-moved': 'hard',
  'not-accept': 'hard',
  'mailbox-full': 'soft',
  'exceed-limit': 'soft',
  'message-too-big': 'soft',
  filtered: 'soft',
  rejected: 'soft',
  blocked: 'soft',
  'spam-detected': 'soft',
  'virus-detected': 'soft',
  'policy-violation': 'soft',
  'security-error': 'soft',
  'no-relaying': 'soft',
  suspend: 'soft',
  expired: 'soft',
  'too-many-connections': 'soft',
  'rate-limited': 'soft',
  'network-error': 'soft',
  'system-error': 'soft',
  'system-full': 'soft',
  'content-error': 'soft',
  'syntax-error': 'soft',
  vacation: 'auto-reply',
  feedback: 'complaint',
  delivered: 'delivered',
  undefined: 'soft',
};

/** The class of a reason. */
export function classOfReason(reason: BounceReason): BounceClass {
  return reasonClass[reason];
}

export function isBounceReason(value: string): value is BounceReason {
  return (bounceReasons as readonly string[]).includes(value);
}
