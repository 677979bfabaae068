import { describe, expect, it } from 'vitest';
import { smtpCommandIn } from '../../src/bounces/smtp-command.js';

describe('smtpCommandIn', () => {
  it.each([
    ['host mx.example.com[192.0.2.1] said: 550 User unknown (in reply to RCPT TO command)', 'RCPT'],
    ['host mx.example.com[192.0.2.1] said: 550 Rejected (in reply to end of DATA command)', 'DATA'],
    ['SMTP error from remote mail server after RCPT TO:<a@example.com>: 550 Unknown user', 'RCPT'],
    ['SMTP error from remote mail server after pipelined MAIL FROM:<s@example.net>: 550 No', 'MAIL'],
    ['SMTP error from remote mail server after end of data: 550 Rejected', 'DATA'],
    [
      '192.0.2.25 does not like recipient.\nRemote host said: 550 5.1.1 unknown\nGiving up on 192.0.2.25.',
      'RCPT',
    ],
    ['Connected to 192.0.2.25 but sender was rejected.\nRemote host said: 553 sorry', 'MAIL'],
    ['192.0.2.25 failed after I sent the message.\nRemote host said: 554 spam', 'DATA'],
    ['connect to mx.example.com[192.0.2.1]: server refused to talk to me: 554 go away', 'CONN'],
    ['550 User unknown', ''],
  ])('%j answered %j', (text, command) => {
    expect(smtpCommandIn(text)).toBe(command);
  });

  it('reads the command of the first failing reply in a transcript', () => {
    expect(smtpCommandIn('>>> RCPT To:<a@example.com>\n<<< 550 User unknown')).toBe('RCPT');
    expect(smtpCommandIn('>>> EHLO me\n<<< 250-mx\n<<< 250 SIZE\n>>> DATA\n<<< 550 Unknown user')).toBe(
      'DATA',
    );
  });

  it('pairs pipelined commands with their replies in order', () => {
    const transcript = [
      '>>> MAIL From:<s@example.net> SIZE=1024',
      '>>> RCPT To:<a@example.com>',
      '>>> DATA',
      '<<< 250 2.1.0 Sender ok',
      '<<< 550-User unknown',
      '<<< 550 see https://mx.example.com',
      '<<< 554 No valid recipients',
    ].join('\n');
    expect(smtpCommandIn(transcript)).toBe('RCPT');
  });
});
