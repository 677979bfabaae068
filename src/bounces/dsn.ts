/**
 * Delivery status notifications (RFC 3464): the message/delivery-status part of a multipart/report,
 * or DSN fields that some MTAs paste into the text ("Technical report:").
 */

import type { FoundRecipient } from '../domain/bounce-report.js';
import { dsnRecipient, parseDsnFields, stripType } from './dsn-fields.js';
import type { BounceMail } from './mime.js';

const statusTypes = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/delivery-status',
]);

export interface DsnReport {
  reportingMta: string;
  recipients: FoundRecipient[];
}

function fromText(text: string): DsnReport {
  const dsn = parseDsnFields(text);
  return {
    reportingMta: stripType(dsn.message['reporting-mta']),
    recipients: dsn.recipients.map(dsnRecipient).filter((r) => r.address.includes('@')),
  };
}

/** The DSN of a message, or undefined when it carries none. */
export function findDsn(mail: BounceMail): DsnReport | undefined {
  const part = mail.parts.find((p) => statusTypes.has(p.contentType));
  if (part) {
    const dsn = fromText(part.text);
    if (dsn.recipients.length > 0) return dsn;
  }
  for (const text of [mail.text, mail.rawBody]) {
    const inline = /^(Final|Original)-Recipient\s*:/im.exec(text);
    if (!inline) continue;
    const start = text.lastIndexOf('\n\n', inline.index) + 1;
    const dsn = fromText(text.slice(start));
    if (dsn.recipients.length > 0) return dsn;
  }
  return undefined;
}
