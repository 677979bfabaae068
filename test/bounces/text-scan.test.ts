/**
 * Recipients of plain-text bounce reports in layouts of many MTAs, written here from how those MTAs
 * lay their reports out (not copied from any bounce): the scanner reads layouts, not vendors.
 */
import { describe, expect, it } from 'vitest';
import { scanRecipients } from '../../src/bounces/text-scan.js';

const found = (report: string) =>
  scanRecipients(report).map((r) => ({ address: r.address, diagnostic: r.diagnosticCode }));

describe('scanRecipients: labelled layouts', () => {
  it.each([
    [
      'a messaging server naming the recipient after a label',
      'Your message cannot be delivered to the following recipients:\n\n  Recipient address: a@b.example\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;550 5.1.1 <a@b.example>: User unknown\n',
      'a@b.example',
      /^550 5\.1\.1/,
    ],
    [
      'a filter gateway listing where the message was addressed',
      'Your message could not be sent.\nAddressed To: a@b.example\nFailed to send to identified host,\n550 a@b.example... No such user\n',
      'a@b.example',
      /No such user/,
    ],
    [
      'a "Failed Recipient:" block',
      'Could not deliver message to the following recipient(s):\n\nFailed Recipient: a@b.example\nReason: Remote host said: 552 5.2.2 Mailbox full\n',
      'a@b.example',
      /^552 5\.2\.2/,
    ],
    [
      'a plain-text copy of DSN fields',
      'Reporting-MTA: dns; mx.c.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 No such mailbox\n',
      'a@b.example',
      /550 5\.1\.1 No such mailbox/,
    ],
    [
      'an address in single quotes followed by a date',
      "The following recipient(s) could not be reached:\n\n      'a@b.example' on 1/2/2024 10:00 AM\n            The recipient name is not recognized\n",
      'a@b.example',
      /not recognized/,
    ],
  ])('reads %s', (_name, report, address, diagnostic) => {
    const [r, ...rest] = found(report);
    expect(rest).toEqual([]);
    expect(r?.address).toBe(address);
    expect(r?.diagnostic).toMatch(diagnostic);
  });

  it('finds each recipient once when a report names it under several labels', () => {
    const report =
      'Original-Recipient: rfc822; a@b.example\nFinal-Recipient: rfc822; a@b.example\nStatus: 5.1.1\n\nFailed Recipient: c@d.example\nReason: 550 5.1.1 unknown\n';
    expect(found(report).map((r) => r.address)).toEqual(['a@b.example', 'c@d.example']);
  });
});
