/**
 * Builds an RFC 3464 delivery status notification: a multipart/report with a human-readable part,
 * a message/delivery-status part and the returned headers (text/rfc822-headers). Used by tests and
 * by end-to-end checks of the bounce listener; it never sends anything.
 */

export interface DsnRecipientInput {
  address: string;
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';
  status: string;
  /** An `Original-Recipient` field besides the `Final-Recipient` (e.g. before forwarding). */
  originalRecipient?: string;
  diagnosticCode?: string;
  remoteMta?: string;
}

export interface DsnInput {
  reportingMta: string;
  from: string;
  to: string;
  recipients: DsnRecipientInput[];
  /** Header lines of the returned message, e.g. `{ 'Message-ID': '<x@y>', 'X-Mailroute-Delivery': 'd1' }`. */
  returnedHeaders: Record<string, string>;
  date?: Date;
  boundary?: string;
}

function recipientGroup(r: DsnRecipientInput): string {
  const lines = [
    ...(r.originalRecipient ? [`Original-Recipient: rfc822; ${r.originalRecipient}`] : []),
    `Final-Recipient: rfc822; ${r.address}`,
    `Action: ${r.action}`,
    `Status: ${r.status}`,
  ];
  if (r.remoteMta) lines.push(`Remote-MTA: dns; ${r.remoteMta}`);
  if (r.diagnosticCode) lines.push(`Diagnostic-Code: smtp; ${r.diagnosticCode}`);
  return lines.join('\r\n');
}

export function buildDsn(input: DsnInput): string {
  const boundary = input.boundary ?? 'mailroute-dsn-boundary';
  const date = (input.date ?? new Date()).toUTCString();
  const human = input.recipients.map((r) => `<${r.address}>: ${r.diagnosticCode ?? r.status}`).join('\r\n');
  const returned = Object.entries(input.returnedHeaders)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return [
    `From: Mail Delivery System <${input.from}>`,
    `To: ${input.to}`,
    `Date: ${date}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    human,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${input.reportingMta}`,
    '',
    input.recipients.map(recipientGroup).join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    returned,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
