/**
 * The complaint-rate guard (issue 17; the mailbox providers keep senders under 0.3% and ask for
 * under 0.1%): per org and calendar day, spam complaints over delivered mass email. Above 0.1% the
 * admins are warned; above 0.3% the org's mass email pauses until an admin resumes it. Below a
 * minimum of delivered mass email in the day (`MAILROUTE_COMPLAINT_MIN_DELIVERED`, 1000 by default)
 * the guard does not act: one complaint on ten messages is no rate.
 */
export const WARN_RATE = 0.001;
export const PAUSE_RATE = 0.003;

export interface ComplaintDay {
  complaints: number;
  delivered: number;
}

export type ComplaintVerdict = 'ok' | 'warn' | 'pause';

/** Complaints over delivered, or null when nothing was delivered. */
export const complaintRate = (d: ComplaintDay): number | null =>
  d.delivered > 0 ? d.complaints / d.delivered : null;

export function complaintVerdict(d: ComplaintDay, minDelivered: number): ComplaintVerdict {
  const rate = complaintRate(d);
  if (rate === null || d.delivered < minDelivered) return 'ok';
  if (rate > PAUSE_RATE) return 'pause';
  if (rate > WARN_RATE) return 'warn';
  return 'ok';
}
