/**
 * Complaints in the Abuse Reporting Format (RFC 5965): a multipart/report with a
 * message/feedback-report part. The complained-about recipients are the `Original-Rcpt-To` fields,
 * else the `To` of the returned message, else one recipient with an empty address (redacted).
 */
import { parseFields, unfoldLines } from './headers.js';
import type { BounceMail } from './mime.js';
import { addressesIn } from './text-scan.js';

export interface ArfReport {
  feedbackType: string;
  reportingMta: string;
  recipients: string[];
}

/** Complaint loops that predate ARF send the returned message under a subject saying so. */
const complaintSubject = /^\s*(complaint about message|abuse report|spam complaint|fbl report)/i;

export function isArf(mail: BounceMail): boolean {
  return (
    mail.reportType === 'feedback-report' ||
    mail.parts.some((p) => p.contentType === 'message/feedback-report') ||
    complaintSubject.test(mail.subject)
  );
}

export function parseArf(mail: BounceMail, originalTo: string): ArfReport {
  const part = mail.parts.find((p) => p.contentType === 'message/feedback-report');
  const lines = unfoldLines(part?.text ?? '');
  const fields = parseFields(lines);
  const rcptTo = lines
    .filter((l) => /^Original-Rcpt-To\s*:/i.test(l))
    .flatMap((l) => addressesIn(l.replace(/^[^:]*:/, '')));
  const recipients = rcptTo.length > 0 ? rcptTo : addressesIn(originalTo);
  return {
    feedbackType: (fields['feedback-type'] ?? 'abuse').toLowerCase(),
    reportingMta: (fields['reporting-mta'] ?? '').replace(/^\s*dns\s*;\s*/i, ''),
    // A complaint concerns one recipient even when the reporter redacts it: '' then, and the
    // delivery is found through the returned Message-ID.
    recipients: recipients.length > 0 ? [...new Set(recipients)] : [''],
  };
}
