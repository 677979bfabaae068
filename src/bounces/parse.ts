/**
 * `parseBounce()`: one message in, one BounceReport out (SPEC R18). Tried in order: complaints (ARF,
 * provider JSON notifications), RFC 3464 DSNs, auto-replies (RFC 3834), then plain-text bounces of
 * MTAs without DSN support, recognised by layout (see `formats/`). Whatever names no recipient is
 * `not-bounce`. Each recipient is classified by `classify()`.
 */

import type { BounceKind, BounceRecipient, BounceReport, FoundRecipient } from '../domain/bounce-report.js';
import { isArf, parseArf } from './arf.js';
import { isAutoReply } from './auto-reply.js';
import { classify } from './classify.js';
import { findDsn } from './dsn.js';
import { parseSesNotification } from './formats/amazon-ses.js';
import { looksLikeBounce, statesFailure, textReport } from './formats/plain-text.js';
import { type BounceMail, readMail } from './mime.js';
import { originalHeaders } from './original.js';
import { splitReport } from './sections.js';
import { smtpCommandIn } from './smtp-command.js';
import { findReplyCodes } from './status.js';
import { addressesIn, narrowDiagnostic } from './text-scan.js';

function classified({ command, ...found }: FoundRecipient): BounceRecipient {
  const c = classify({ ...found, command: command || smtpCommandIn(found.diagnosticCode) });
  return { ...found, status: c.status, class: c.class, reason: c.reason, ruleId: c.ruleId };
}

function report(
  kind: BounceKind,
  recipients: BounceRecipient[],
  headers: Record<string, string>,
): BounceReport {
  const out: BounceReport = { kind: recipients.length > 0 ? kind : 'not-bounce', recipients };
  if (Object.keys(headers).length > 0) out.originalHeaders = headers;
  if (headers['message-id']) out.originalMessageId = headers['message-id'];
  return out;
}

/** Fills an empty DSN diagnostic from the human-readable report, where MTAs often explain more. */
function withTextDiagnostics(mail: BounceMail, dsn: FoundRecipient[], reportText: string): FoundRecipient[] {
  const scanned = textReport(mail, reportText);
  return dsn.map((r) => {
    const same = scanned.find((s) => s.address.toLowerCase() === r.address.toLowerCase());
    const only = dsn.length === 1;
    const command = same?.command || (only ? smtpCommandIn(reportText) : '');
    const text = r.diagnosticCode || same?.diagnosticCode || (only ? narrowDiagnostic(reportText) : '');
    return { ...r, diagnosticCode: text, command };
  });
}

/**
 * A bounce that quotes a server's reply, or says in words that delivery failed, without naming the
 * address it concerns: the recipients are those of the returned message.
 */
function returnedRecipients(
  mail: BounceMail,
  reportText: string,
  headers: Record<string, string>,
): FoundRecipient[] {
  if (!looksLikeBounce(mail)) return [];
  const codes = findReplyCodes(reportText);
  if (codes.length === 0 && !statesFailure(reportText)) return [];
  const action = /^4/.test(codes[0] ?? '') ? 'delayed' : 'failed';
  return addressesIn(headers.to ?? '').map((address) => ({
    address,
    status: '',
    action,
    diagnosticCode: '',
  }));
}

export async function parseBounce(raw: Buffer | string): Promise<BounceReport> {
  const mail = await readMail(raw);
  const { report: reportText, returned } = splitReport(mail.text);
  const headers = originalHeaders(mail, returned);
  if (isArf(mail)) {
    const arf = parseArf(mail, headers.to ?? '');
    const recipients = arf.recipients.map((address) => ({
      address,
      status: '',
      action: '',
      diagnosticCode: '',
      class: 'complaint' as const,
      reason: 'feedback' as const,
    }));
    return {
      ...report('arf', recipients, headers),
      reportingMta: arf.reportingMta,
      feedbackType: arf.feedbackType,
    };
  }
  const ses = parseSesNotification(mail);
  if (ses) {
    const recipients = ses.recipients.map((r) =>
      ses.kind === 'arf' ? { ...r, class: 'complaint' as const, reason: 'feedback' as const } : classified(r),
    );
    const out = report(ses.kind, recipients, headers);
    return ses.feedbackType ? { ...out, feedbackType: ses.feedbackType } : out;
  }
  const dsn = findDsn(mail);
  if (dsn) {
    const recipients = withTextDiagnostics(mail, dsn.recipients, reportText).map(classified);
    return { ...report('dsn', recipients, headers), reportingMta: dsn.reportingMta };
  }
  if (isAutoReply(mail)) {
    const address = mail.fromAddress || (mail.headers['return-path'] ?? '').replace(/[<>]/g, '');
    const recipient = {
      address,
      status: '',
      action: '',
      diagnosticCode: mail.subject,
      class: 'auto-reply' as const,
      reason: 'vacation' as const,
    };
    return report('auto-reply', address ? [recipient] : [], headers);
  }
  const found = textReport(mail, reportText);
  const recipients = found.length > 0 ? found : returnedRecipients(mail, reportText, headers);
  const filled = recipients.map((r) =>
    r.diagnosticCode ? r : { ...r, diagnosticCode: narrowDiagnostic(reportText) },
  );
  return report('dsn', filled.map(classified), headers);
}
