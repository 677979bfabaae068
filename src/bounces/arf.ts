/**
 * Complaints in the Abuse Reporting Format (RFC 5965): a multipart/report with a
 * message/feedback-report part. The complained-about recipients are the `Original-Rcpt-To` fields,
 * else the `To` of the returned message.
 */
import { parseFields, unfoldLines } from './headers.js';
import type { BounceMail } from './mime.js';
import { addressesIn } from './text-scan.js';

export interface ArfReport {
  feedbackType: string;
  reportingMta: string;
  recipients: string[];
}

export function isArf(mail: BounceMail): boolean {
  return mail.reportType === 'feedback-report' || mail.parts.some((p) => p.contentType === 'message/feedback-report');
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
    recipients: [...new Set(recipients)],
  };
}
