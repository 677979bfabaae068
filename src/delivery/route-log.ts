/**
 * What routing says about one delivery as it goes (issue 19): each relay it tried, in order, and
 * what admission or the attempt answered; at the end, the candidates it never reached and the
 * relays it passed over, with the decision (`domain/route-reasons.ts`). The engine adds to it and
 * hands the result to the transition, which stores it with the delivery's new state.
 */
import {
  type FallbackCause,
  type RelayReason,
  type RouteDecision,
  type RouteReasons,
  unreachableRule,
} from '../domain/route-reasons.js';
import type { Classification } from '../domain/smtp-reply.js';

export class RouteLog {
  private verdicts: RelayReason[] = [];

  constructor(
    private candidates: readonly { id: string }[],
    private passed: readonly RelayReason[],
  ) {}

  add(reason: RelayReason): void {
    this.verdicts.push(reason);
  }

  /** A relay attempt that did not send and did not bounce: unreachable, or failed with a reply. */
  failed(relay: string, c: Classification): void {
    const code = unreachableRule(c.ruleId) ? 'unreachable' : 'failed';
    this.add({ relay, code, status: c.status, rule: c.ruleId });
  }

  decided(route: RouteDecision, because?: FallbackCause): RouteReasons {
    const reached = new Set(this.verdicts.map((v) => v.relay));
    const relays: RelayReason[] = [
      ...this.verdicts,
      ...this.candidates
        .filter((c) => !reached.has(c.id))
        .map((c) => ({ relay: c.id, code: 'not_reached' as const })),
      ...this.passed,
    ];
    return because ? { route, because, relays } : { route, relays };
  }
}
