/** Bounce mailbox rules without a server: which relays may have one, and how IMAP failures read. */
import { describe, expect, it } from 'vitest';
import { fixedBounceAddress } from '../../src/bounces/mailbox-poll.js';
import { describeImapError } from '../../src/bounces/mailbox-session.js';
import { bounceMailboxInputSchema } from '../../src/schemas/bounce-mailboxes.js';

describe('fixedBounceAddress', () => {
  it.each([
    ['address', 0, true],
    ['platform', 1, true],
    ['platform', 0, false],
    ['from', 0, false],
  ] as const)('mode %s with fixedReturnPath %i: %s', (bounce_mode, bounce_fixed_return_path, expected) => {
    expect(fixedBounceAddress({ bounce_mode, bounce_fixed_return_path })).toBe(expected);
  });
});

describe('describeImapError', () => {
  it.each([
    [
      { authenticationFailed: true, responseText: 'Authentication failed.' },
      'authentication failed: Authentication failed.',
    ],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'connection refused'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND imap.invalid' }, 'host not found'],
    [{ code: 'CONNECT_TIMEOUT', message: 'Connection timed out' }, 'timed out (CONNECT_TIMEOUT)'],
    [
      { mailboxMissing: true, responseText: 'Mailbox does not exist' },
      'mailbox not found: Mailbox does not exist',
    ],
  ])('%o reads "%s"', (err, text) => {
    expect(describeImapError(err)).toBe(text);
  });
});

describe('bounceMailboxInputSchema', () => {
  const base = {
    host: 'imap.sakura.com',
    authentication: { type: 'password', username: 'bounce@sakura.com' },
  };
  it('fills the defaults: port 993, implicit TLS, INBOX, flag with the mailroute keyword, enabled', () => {
    expect(bounceMailboxInputSchema.parse(base)).toMatchObject({
      port: 993,
      security: 'ssl',
      verifyCertificate: true,
      mailbox: 'INBOX',
      afterProcessing: { action: 'flag', keyword: '$MailrouteProcessed' },
      enabled: true,
    });
  });
  it.each([
    [{ afterProcessing: { action: 'flag', keyword: 'two words' } }, 'afterProcessing.keyword'],
    [{ afterProcessing: { action: 'move', folder: 'a*' } }, 'afterProcessing.folder'],
    [{ mailbox: '' }, 'mailbox'],
    [{ security: 'starttls' }, 'security'],
    [{ authentication: { type: 'oauth2' } }, 'authentication.type'],
  ])('refuses %o, naming %s', (extra, field) => {
    const r = bounceMailboxInputSchema.safeParse({ ...base, ...extra });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});
