/**
 * What one bounced recipient does to its delivery (SPEC R18, R20), as a pure rule. A final failure
 * (hard or soft) makes the delivery `bounced`, a complaint makes it `complained`; a `delayed` report,
 * a success report and an unclassifiable one are recorded as notes only. Hard bounces and complaints
 * suppress the address at once; soft failures count towards the org's soft-bounce threshold.
 * Auto-replies are not bounces: nothing is recorded.
 */
import type { BounceClass } from './bounce-report.js';
import type { DeliveryStatus } from './delivery-statuses.js';

export interface BounceOutcome {
  /** false: not a bounce at all (auto-replies); nothing is recorded. */
  record: boolean;
  status?: 'bounced' | 'complained';
  suppress?: 'hard-bounce' | 'complaint';
  /** A soft failure: suppress once the org's threshold is reached within its window. */
  countsAsSoft: boolean;
}

const note: BounceOutcome = { record: true, countsAsSoft: false };

export function bounceOutcome(cls: BounceClass, action: string): BounceOutcome {
  if (cls === 'auto-reply') return { record: false, countsAsSoft: false };
  if (cls === 'complaint')
    return { record: true, status: 'complained', suppress: 'complaint', countsAsSoft: false };
  if (action.toLowerCase() === 'delayed') return note;
  if (cls === 'hard')
    return { record: true, status: 'bounced', suppress: 'hard-bounce', countsAsSoft: false };
  if (cls === 'soft') return { record: true, status: 'bounced', countsAsSoft: true };
  return note;
}

/** Statuses a delivery may leave for each bounce status: only mail that was handed over can bounce. */
export const bounceableFrom: Record<'bounced' | 'complained', readonly DeliveryStatus[]> = {
  bounced: ['sent', 'bounced'],
  complained: ['sent', 'bounced', 'complained'],
};
