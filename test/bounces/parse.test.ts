import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDsn } from '../../src/bounces/build-dsn.js';
import { parseDsnFields } from '../../src/bounces/dsn-fields.js';
import { parseBounce } from '../../src/bounces/parse.js';
import type { BounceKind } from '../../src/domain/bounce-report.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bounces');
const fixture = (name: string) => readFileSync(join(fixtures, name));

type Row = [string, string, BounceKind, { address: string; status: string; class: string }[]];

const rows: Row[] = [
  [
    'an RFC 3464 DSN from Postfix',
    'postfix-dsn.eml',
    'dsn',
    [{ address: 'nobody@example.com', status: '5.1.1', class: 'hard' }],
  ],
  [
    'a qmail bounce with two recipients',
    'qmail.eml',
    'dsn',
    [
      { address: 'nobody@example.com', status: '5.1.1', class: 'hard' },
      { address: 'lost@no-such-domain.example', status: '5.1.2', class: 'hard' },
    ],
  ],
  ['an Exim bounce', 'exim.eml', 'dsn', [{ address: 'full@example.com', status: '4.2.2', class: 'soft' }]],
  [
    'a Sendmail transcript without DSN',
    'sendmail-transcript.eml',
    'dsn',
    [
      { address: 'gone@example.com', status: '5.1.1', class: 'hard' },
      { address: 'other@example.edu', status: '5.1.2', class: 'hard' },
    ],
  ],
  [
    'a Postfix bounce without DSN, refused after DATA',
    'postfix-plain.eml',
    'dsn',
    [{ address: 'filtered@example.com', status: '5.1.1', class: 'soft' }],
  ],
  [
    'a Gmail bounce',
    'gmail.eml',
    'dsn',
    [{ address: 'blocked@example.com', status: '5.7.1', class: 'soft' }],
  ],
  ['a Yahoo bounce', 'yahoo.eml', 'dsn', [{ address: 'moved@example.com', status: '5.1.6', class: 'hard' }]],
  [
    'an Exchange 2003 NDR',
    'exchange2003.eml',
    'dsn',
    [{ address: 'nobody@example.com', status: '5.1.1', class: 'hard' }],
  ],
  ['a Domino NDR', 'domino.eml', 'dsn', [{ address: 'someone@example.com', status: '5.1.1', class: 'hard' }]],
  [
    'a DragonFly bounce',
    'dragonfly.eml',
    'dsn',
    [{ address: 'dmarc@example.com', status: '5.7.26', class: 'soft' }],
  ],
  [
    'an Amazon SES JSON notification',
    'ses-notification.eml',
    'dsn',
    [{ address: 'bounce@simulator.example.com', status: '5.1.1', class: 'hard' }],
  ],
  ['an ARF complaint', 'arf.eml', 'arf', [{ address: 'reader@isp.example', status: '', class: 'complaint' }]],
  [
    'an out-of-office reply',
    'auto-reply.eml',
    'auto-reply',
    [{ address: 'reader@example.com', status: '', class: 'auto-reply' }],
  ],
  ['an ordinary message', 'not-bounce.eml', 'not-bounce', []],
  [
    'an Exim bounce refused in reply to MAIL FROM',
    'exim-mail-from.eml',
    'dsn',
    [{ address: 'reader@example.com', status: '5.1.1', class: 'soft' }],
  ],
  [
    'a Sendmail transcript of a pipelined session refused at RCPT TO',
    'sendmail-pipelined.eml',
    'dsn',
    [{ address: 'nobody@example.com', status: '5.1.1', class: 'hard' }],
  ],
  [
    'a Sendmail transcript of two sessions refused after DATA',
    'sendmail-after-data.eml',
    'dsn',
    [
      { address: 'filtered@example.jp', status: '5.1.1', class: 'soft' },
      { address: 'gone@example.net', status: '5.1.1', class: 'hard' },
    ],
  ],
  [
    'a Postfix DSN of a failed procmail with status 5.1.1',
    'postfix-procmail.eml',
    'dsn',
    [{ address: 'reader@example.org', status: '5.1.1', class: 'soft' }],
  ],
  [
    'a DSN with 5.1.1 whose reply says the sender is rate-limited',
    'ratelimit-5.1.1.eml',
    'dsn',
    [{ address: 'reader@example.com', status: '5.1.1', class: 'soft' }],
  ],
  [
    'a notice naming no recipient, with the returned message',
    'mms-ndr.eml',
    'dsn',
    [{ address: '5550100@mms.example.com', status: '5.1.1', class: 'hard' }],
  ],
];

describe('parseBounce', () => {
  it.each(rows)('reads %s', async (_name, file, kind, recipients) => {
    const report = await parseBounce(fixture(file));
    expect(report.kind).toBe(kind);
    expect(report.recipients.map((r) => ({ address: r.address, status: r.status, class: r.class }))).toEqual(
      recipients,
    );
  });

  it('keeps the returned message headers mailroute matches bounces by', async () => {
    const report = await parseBounce(fixture('exim.eml'));
    expect(report.originalMessageId).toBe('<m2@mailroute.test>');
    expect(report.originalHeaders?.['x-mailroute-delivery']).toBe('dlv_exim1');
  });

  it('reports the ARF feedback type and reporting MTA', async () => {
    const report = await parseBounce(fixture('arf.eml'));
    expect(report).toMatchObject({ feedbackType: 'abuse', reportingMta: 'fbl.isp.example' });
    expect(report.originalHeaders?.['x-mailroute-delivery']).toBe('dlv_arf1');
  });

  it('names the rule that decided each class', async () => {
    const report = await parseBounce(fixture('postfix-plain.eml'));
    expect(report.recipients[0]?.ruleId).toBe('refused-after-data');
    const mailFrom = await parseBounce(fixture('exim-mail-from.eml'));
    expect(mailFrom.recipients[0]?.ruleId).toBe('refused-before-rcpt');
    const procmail = await parseBounce(fixture('postfix-procmail.eml'));
    expect(procmail.recipients[0]?.ruleId).toBe('text-local-program-error');
  });

  it('ties each Sendmail session transcript to the address named after it', async () => {
    const report = await parseBounce(fixture('sendmail-after-data.eml'));
    expect(report.recipients.map((r) => r.diagnosticCode)).toEqual([
      expect.stringMatching(/^550 Unknown user filtered@example\.jp/),
      expect.stringMatching(/^554 delivery error: dd This user/),
    ]);
  });
});

describe('an RFC 3464 DSN built and parsed back', () => {
  const raw = buildDsn({
    reportingMta: 'relay.example.org',
    from: 'MAILER-DAEMON@relay.example.org',
    to: 'bounces+t1@bounce.example.net',
    date: new Date('2024-01-01T10:00:00Z'),
    recipients: [
      {
        address: 'a@example.com',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: '550 5.1.1 No such user',
      },
      {
        address: 'b@example.com',
        action: 'delayed',
        status: '4.4.1',
        diagnosticCode: '421 4.4.1 Connection timed out',
      },
      { address: 'c@example.com', action: 'delivered', status: '2.0.0' },
      {
        address: 'd@example.com',
        action: 'failed',
        status: '5.2.2',
        diagnosticCode: '552 5.2.2 Mailbox full',
      },
    ],
    returnedHeaders: { 'Message-ID': '<built@mailroute.test>', 'X-Mailroute-Delivery': 'dlv_built' },
  });

  it('yields every recipient with its status, action and class', async () => {
    const report = await parseBounce(raw);
    expect(report.kind).toBe('dsn');
    expect(report.reportingMta).toBe('relay.example.org');
    expect(report.recipients.map((r) => [r.address, r.action, r.status, r.class])).toEqual([
      ['a@example.com', 'failed', '5.1.1', 'hard'],
      ['b@example.com', 'delayed', '4.4.1', 'soft'],
      ['c@example.com', 'delivered', '2.0.0', 'delivered'],
      ['d@example.com', 'failed', '5.2.2', 'soft'],
    ]);
    expect(report.recipients[0]?.diagnosticCode).toBe('550 5.1.1 No such user');
  });

  it('yields the returned Message-ID and X-Mailroute-Delivery', async () => {
    const report = await parseBounce(Buffer.from(raw));
    expect(report.originalMessageId).toBe('<built@mailroute.test>');
    expect(report.originalHeaders?.['x-mailroute-delivery']).toBe('dlv_built');
  });
});

describe('parseDsnFields', () => {
  it('unfolds continuation lines and splits groups on blank lines', () => {
    const dsn = parseDsnFields(
      'Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; a@example.com\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1\n  User unknown\n\n\nFinal-Recipient: rfc822; b@example.com\nStatus: 4.2.2\n',
    );
    expect(dsn.message['reporting-mta']).toBe('dns; mx.example.org');
    expect(dsn.recipients).toHaveLength(2);
    expect(dsn.recipients[0]?.['diagnostic-code']).toBe('smtp; 550 5.1.1 User unknown');
  });
});
