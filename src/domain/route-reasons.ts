/**
 * Why one delivery took its route (issue 19): every relay of the org and why it was taken or passed
 * over, and where the delivery went. Codes plus parameters, compact enough to store with each
 * delivery (`deliveries.route_reasons`, JSON) and returned as they are in the message detail; the
 * console words them (`web/src/i18n`). Times are ISO 8601. No imports but types: the console loads
 * the lists too.
 */
import type { EmailType } from './email-types.js';

/** What happened with one relay for this delivery, in the order routing saw them. */
export type RelayReason =
  /** It took the delivery. */
  | { relay: string; code: 'sent' }
  /** It refused the recipient or the message for good: bounced, no fallback. */
  | { relay: string; code: 'bounced'; status: string; rule: string }
  /** It belongs to another From domain. */
  | { relay: string; code: 'other_domain' }
  /** It does not take this email type. */
  | { relay: string; code: 'type_off'; type: EmailType }
  | { relay: string; code: 'disabled' }
  /** The breaker suspended it (three failures in a day) until then. */
  | { relay: string; code: 'suspended'; until: string }
  /** It failed for this delivery earlier in this round of attempts. */
  | { relay: string; code: 'tried' }
  /** Its daily cap is reached: `used` of `limit` (claimed slots, held across processes). */
  | { relay: string; code: 'cap'; used: number; limit: number }
  /** Its pace (messages per minute) allows no more now; the delivery waits until then. */
  | { relay: string; code: 'paced'; until: string; perMinute: number }
  /** It asked to slow down; the delivery waits until then. */
  | { relay: string; code: 'slowed'; until: string; status?: string }
  /** No reply: the connection was refused, timed out, or the host did not resolve (rule says which). */
  | { relay: string; code: 'unreachable'; status: string; rule: string }
  /** It answered with a failure (status and rule; the reply is in the attempt). */
  | { relay: string; code: 'failed'; status: string; rule: string }
  /** A candidate the route never reached: a relay before it ended the routing. */
  | { relay: string; code: 'not_reached' };

export type RelayReasonCode = RelayReason['code'];

export const relayReasonCodes = [
  'sent',
  'bounced',
  'other_domain',
  'type_off',
  'disabled',
  'suspended',
  'tried',
  'cap',
  'paced',
  'slowed',
  'unreachable',
  'failed',
  'not_reached',
] as const satisfies readonly RelayReasonCode[];

/**
 * Where the delivery went: a relay (sent or bounced there), the platform, back to the queue to wait
 * for a paced or slowed relay, or a retry later (the org keeps mail on its relays).
 */
export const routeDecisions = ['relay', 'platform', 'wait', 'retry'] as const;
export type RouteDecision = (typeof routeDecisions)[number];

/**
 * Why the platform or a retry: the org has no relay for this mail (`no_relay`), mailroute's own
 * notices (`system`), or it has relays and none could take it now (`none_could_take`).
 */
export const fallbackCauses = ['no_relay', 'system', 'none_could_take'] as const;
export type FallbackCause = (typeof fallbackCauses)[number];

export interface RouteReasons {
  route: RouteDecision;
  because?: FallbackCause;
  relays: RelayReason[];
}

/** The rules of an SMTP outcome that mean no reply came: the relay could not be reached. */
export function unreachableRule(ruleId: string): boolean {
  return /^(conn|timeout|dns)\./.test(ruleId);
}

/**
 * The relay reason that explains the decision, for a one-line summary: the relay that sent or
 * refused it, else the first relay routing tried or passed over for this mail.
 */
export function mainReason<R extends RelayReason>(r: {
  route: RouteDecision;
  relays: readonly R[];
}): R | undefined {
  if (r.route === 'relay') return r.relays.find((x) => x.code === 'sent' || x.code === 'bounced');
  if (r.route === 'wait') return r.relays.find((x) => x.code === 'paced' || x.code === 'slowed');
  return r.relays.find((x) => x.code !== 'not_reached' && x.code !== 'other_domain');
}
