/**
 * Why a delivery fell back to platform delivery (issue 20's dashboard), from its route reasons
 * (`route-reasons.ts`): the org has no relay for this mail, or the relay reason that explains the
 * decision (cap reached, suspended, failed…). mailroute's own notices never use relays and are no
 * fallback; mail routed before reasons were kept counts as `unknown`. No imports but the lists: the
 * console loads them too.
 */
import { mainReason, type RelayReasonCode, type RouteReasons, relayReasonCodes } from './route-reasons.js';

export const fallbackReasonCodes = ['no_relay', ...relayReasonCodes, 'unknown'] as const;
export type FallbackReason = 'no_relay' | RelayReasonCode | 'unknown';

/** The reason a platform delivery fell back, or null when it was no fallback (a system notice). */
export function fallbackReason(reasons: RouteReasons | null): FallbackReason | null {
  if (!reasons) return 'unknown';
  if (reasons.route !== 'platform' || reasons.because === 'system') return null;
  if (reasons.because === 'no_relay') return 'no_relay';
  return mainReason(reasons)?.code ?? 'unknown';
}
