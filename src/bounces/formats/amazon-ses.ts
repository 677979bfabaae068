/**
 * Amazon SES bounce and complaint notifications delivered as JSON mail bodies (through SNS): a
 * `notificationType` of Bounce, Complaint or Delivery with the affected recipients.
 */

import type { FoundRecipient } from '../../domain/bounce-report.js';
import type { BounceMail } from '../mime.js';
import type { SesNotification, SesRecipient } from '../ses-notification.js';

export interface SesResult {
  kind: 'dsn' | 'arf';
  recipients: FoundRecipient[];
  feedbackType?: string;
}

function jsonIn(text: string): SesNotification | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    if (value && typeof value === 'object' && 'notificationType' in value) return value as SesNotification;
    const msg = (value as { Message?: unknown }).Message;
    return typeof msg === 'string' ? jsonIn(msg) : undefined;
  } catch {
    return salvaged(text);
  }
}

/** Reads the fields out of a notification whose JSON was broken by line wrapping. */
function salvaged(text: string): SesNotification | undefined {
  const type = /"notificationType"\s*:\s*"(\w+)"/.exec(text)?.[1];
  if (!type) return undefined;
  const field = (obj: string, name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(obj)?.[1];
  const recipients = [...text.matchAll(/\{\s*"emailAddress"[^}]*\}/g)].map((m) => ({
    emailAddress: field(m[0], 'emailAddress'),
    action: field(m[0], 'action'),
    status: field(m[0], 'status'),
    diagnosticCode: field(m[0], 'diagnosticCode'),
  }));
  return {
    notificationType: type,
    bounce: { bouncedRecipients: recipients },
    complaint: {
      complainedRecipients: recipients,
      complaintFeedbackType: field(text, 'complaintFeedbackType'),
    },
  };
}

export function parseSesNotification(mail: BounceMail): SesResult | undefined {
  if (!/"notificationType"/.test(mail.text)) return undefined;
  const n = jsonIn(mail.text);
  if (!n) return undefined;
  const recipient = (r: SesRecipient): FoundRecipient => ({
    address: r.emailAddress ?? '',
    status: r.status ?? '',
    action: r.action ?? '',
    diagnosticCode: (r.diagnosticCode ?? '').replace(/^smtp;\s*/i, ''),
  });
  if (n.notificationType === 'Bounce') {
    return { kind: 'dsn', recipients: (n.bounce?.bouncedRecipients ?? []).map(recipient) };
  }
  if (n.notificationType === 'Complaint') {
    return {
      kind: 'arf',
      recipients: (n.complaint?.complainedRecipients ?? []).map(recipient),
      feedbackType: n.complaint?.complaintFeedbackType ?? 'abuse',
    };
  }
  if (n.notificationType === 'Delivery') {
    const reply = n.delivery?.smtpResponse ?? '';
    const to = n.delivery?.recipients ?? [];
    return {
      kind: 'dsn',
      recipients: to.map((address) => ({
        address,
        status: '2.0.0',
        action: 'delivered',
        diagnosticCode: reply,
      })),
    };
  }
  return undefined;
}
