/**
 * Bounce reasons from status codes and MTA wording (issue 16). The diagnostics are written from how
 * the MTA families word their replies (Postfix, Exim, Sendmail, qmail, Exchange/Office 365, Gmail,
 * Yahoo, Japanese carriers), not copied from any bounce.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { reasonClass } from '../../src/domain/bounce-reasons.js';

type Row = [status: string, diagnostic: string, reason: string, cls: 'hard' | 'soft'];

const check = (status: string, diagnosticCode: string, command?: string) =>
  classify({ status, diagnosticCode, action: 'failed', ...(command ? { command } : {}) });

describe('reasons from a status alone', () => {
  it.each<Row>([
    ['5.1.1', '', 'user-unknown', 'hard'],
    ['5.1.2', '', 'host-unknown', 'hard'],
    ['5.2.1', '', 'suspend', 'soft'],
    ['5.2.2', '', 'mailbox-full', 'soft'],
    ['5.3.1', '', 'system-full', 'soft'],
    ['5.3.4', '', 'message-too-big', 'soft'],
    ['5.4.4', '', 'host-unknown', 'hard'],
    ['4.4.4', '', 'network-error', 'soft'],
    ['4.4.3', '', 'network-error', 'soft'],
    ['5.4.6', '', 'network-error', 'soft'],
    ['4.4.7', '', 'expired', 'soft'],
    ['5.5.2', '', 'syntax-error', 'soft'],
    ['5.6.0', '', 'content-error', 'soft'],
    ['5.7.1', '', 'security-error', 'soft'],
    ['5.7.9', '', 'policy-violation', 'soft'],
    ['5.7.13', '', 'suspend', 'soft'],
    ['5.7.17', '', 'has-moved', 'hard'],
    ['5.7.23', '', 'security-error', 'soft'],
    ['5.7.25', '', 'blocked', 'soft'],
    ['5.7.27', '', 'not-accept', 'hard'],
    ['5.7.606', '', 'blocked', 'soft'],
    ['4.7.28', '', 'rate-limited', 'soft'],
  ])('%s is %s (%s)', (status, diagnostic, reason, cls) => {
    expect(check(status, diagnostic)).toMatchObject({ reason, class: cls, status });
  });

  it('takes every class from the one table', () => {
    for (const status of ['5.2.1', '5.4.4', '5.7.1', '5.7.17']) {
      const c = check(status, '');
      expect(c.class).toBe(reasonClass[c.reason]);
    }
  });
});

describe('wording that names the cause under a status of a family (X.2.1, X.4.x, X.5.x, X.7.x)', () => {
  it.each<Row>([
    // "User unknown" in words no other refusal uses: an access table's REJECT text under 5.7.1.
    ['5.7.1', '554 5.7.1 <a@b.example>: Recipient address rejected: User unknown', 'user-unknown', 'hard'],
    [
      '5.7.1',
      '550 5.7.1 <a@b.example>: Recipient address rejected: User unknown in virtual mailbox table',
      'user-unknown',
      'hard',
    ],
    ['5.2.1', '550 5.2.1 <a@b.example>... User Unknown', 'user-unknown', 'hard'],
    ['5.5.0', '550 No such user a@b.example (#5.5.0)', 'user-unknown', 'hard'],
    // Exchange's delivery restrictions: the recipient takes mail only from some senders.
    ['5.7.1', '550 5.7.1 RESOLVER.RST.AuthRequired; authentication required', 'filtered', 'soft'],
    ['5.7.1', '550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized', 'filtered', 'soft'],
    ['5.7.1', '550 5.7.1 Access denied', 'security-error', 'soft'],
    ['5.7.1', '554 5.7.1 Message rejected as spam by the content scanner', 'spam-detected', 'soft'],
    ['5.7.1', '550 5.7.1 Message content rejected, UBE', 'spam-detected', 'soft'],
    ['5.7.1', '554 5.7.1 <a@b.example>: Relay access denied', 'no-relaying', 'soft'],
    ['5.7.0', '550 5.7.0 Virus found in the attachment', 'virus-detected', 'soft'],
    [
      '5.7.26',
      "550 5.7.26 Unauthenticated email is not accepted due to the domain's DMARC policy",
      'security-error',
      'soft',
    ],
    ['5.7.13', '525 5.7.13 <a@b.example>: Recipient address rejected: account disabled', 'suspend', 'soft'],
    [
      '5.7.1',
      '550 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using a list',
      'blocked',
      'soft',
    ],
    ['5.7.1', '550 5.7.1 Your IP address is banned, dynamic IP ranges may not send here', 'blocked', 'soft'],
    ['5.7.9', '554 5.7.9 Message not accepted for policy reasons', 'policy-violation', 'soft'],
    // Postfix's "Recipient address rejected:" begins every refusal of RCPT: the status says more.
    [
      '5.7.26',
      '550 5.7.26 <a@b.example>: Recipient address rejected: several authentication checks failed',
      'security-error',
      'soft',
    ],
    ['5.3.0', '554 5.3.0 <a@b.example>: Recipient address rejected: Mailer error', 'system-error', 'soft'],
    // Timing out under X.4.x: the wording says which.
    ['4.4.1', 'connect to mx.b.example[192.0.2.1]:25: Connection timed out', 'expired', 'soft'],
    ['4.4.1', 'connect to mx.b.example[192.0.2.1]:25: Connection refused', 'network-error', 'soft'],
    // Rates and connections (Postfix's anvil, Yahoo's and Microsoft's wordings).
    ['4.7.0', '421 4.7.0 Too many concurrent SMTP connections from this IP', 'too-many-connections', 'soft'],
    ['4.7.0', '451 4.7.0 Rate limit exceeded, please slow down', 'rate-limited', 'soft'],
    ['4.7.0', '421 4.7.0 Messages deferred due to user complaints about this sender', 'blocked', 'soft'],
    ['4.7.650', '451 4.7.650 Temporarily rate limited due to IP reputation', 'blocked', 'soft'],
  ])('%s with "%s" is %s (%s)', (status, diagnostic, reason, cls) => {
    expect(check(status, diagnostic)).toMatchObject({ reason, class: cls });
  });

  it.each<Row>([
    // Office 365's directory-based edge blocking: the tenant has no such recipient.
    [
      '5.4.1',
      '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [host.example]',
      'user-unknown',
      'hard',
    ],
    ['5.2.1', '550 5.2.1 This mailbox does not exist', 'user-unknown', 'hard'],
    ['5.2.1', '550 5.2.1 <a@b.example>: address no longer valid', 'user-unknown', 'hard'],
    // Under X.7.x "does not exist" is as often about the sending host's DNS.
    ['5.7.1', '550 5.7.1 The PTR record of your sending host does not exist', 'blocked', 'soft'],
    ['5.7.1', '550 5.7.1 Recipient address rejected: Access denied', 'security-error', 'soft'],
  ])('%s with "%s" is %s (%s)', (status, diagnostic, reason, cls) => {
    expect(check(status, diagnostic)).toMatchObject({ reason, class: cls });
  });

  it('does not believe loose words over a status of a family', () => {
    // "mailbox unavailable" is RFC 5321's text for any 550.
    expect(check('5.7.1', '550 5.7.1 Requested action not taken: mailbox unavailable')).toMatchObject({
      reason: 'security-error',
      class: 'soft',
    });
    expect(check('5.2.1', '550 5.2.1 Mailbox unavailable')).toMatchObject({
      reason: 'suspend',
      class: 'soft',
    });
    // The same loose words, when the status says nothing, still mean the mailbox is bad.
    expect(check('5.0.0', '550 Mailbox unavailable')).toMatchObject({
      reason: 'user-unknown',
      class: 'hard',
    });
  });

  it('keeps user-unknown wording under 5.7.1 soft when it answered DATA (a filter reusing the words)', () => {
    expect(check('5.7.1', '550 5.7.1 User unknown', 'DATA')).toMatchObject({
      class: 'soft',
      reason: 'filtered',
    });
  });

  it("reads Microsoft's 5.1.10 as an unknown recipient when it says so, and as a null MX otherwise", () => {
    expect(check('5.1.10', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found')).toMatchObject({
      reason: 'user-unknown',
      class: 'hard',
    });
    expect(check('5.1.10', '550 5.1.10 Recipient domain publishes a null MX')).toMatchObject({
      reason: 'not-accept',
      class: 'hard',
    });
  });
});

describe('wording without a status that says anything', () => {
  it.each<Row>([
    // Recipient filters: the address exists, its owner or a filter refuses this sender.
    ['', '550 The recipient has blocked your address', 'filtered', 'soft'],
    ['', '550 This user refuses to receive mail from you', 'filtered', 'soft'],
    ['', '553 sorry, user reject', 'filtered', 'soft'],
    ['5.0.0', '550 Message rejected due to the recipient preferences', 'filtered', 'soft'],
    ['', '550 This group only accepts posts from its members', 'filtered', 'soft'],
    ['', '554 Message blocked by the content filter', 'filtered', 'soft'],
    ['', '550 Sender not on the recipient allow list', 'filtered', 'soft'],
    ['5.1.1', '550 5.1.1 Message filtered by the recipient', 'filtered', 'soft'],
    // User unknown in the clear, however the MTA puts it.
    ['5.0.0', '550 <a@b.example>: User unknown', 'user-unknown', 'hard'],
    ['', '553 sorry, unknown or illegal user', 'user-unknown', 'hard'],
    ['', 'Sorry, no mailbox here by that name.', 'user-unknown', 'hard'],
    ['', '550 Unknown user; blocked by local policy', 'user-unknown', 'hard'],
    // An unknown host is hard unless the lookup failed for now.
    [
      '',
      'Host or domain name not found. Name service error for name=b.example type=A: Host not found',
      'host-unknown',
      'hard',
    ],
    ['', 'Name service error for name=b.example type=MX: Host not found, try again', 'network-error', 'soft'],
    [
      '5.4.4',
      'Name service error for name=b.example type=MX: Malformed or unexpected name server reply',
      'network-error',
      'soft',
    ],
    ['', 'temporary DNS lookup failure for b.example', 'network-error', 'soft'],
    // Protocol trouble, expiry, and the rest.
    ['', '503 Bad sequence of commands', 'syntax-error', 'soft'],
    ['', '500 Syntax error, command unrecognized', 'syntax-error', 'soft'],
    ['', 'Envelope expired', 'expired', 'soft'],
    ['', 'Warning: message still undelivered after 4 hours', 'expired', 'soft'],
    ['', "552 The user's mailfolder is full", 'mailbox-full', 'soft'],
    ['', 'retry time not reached for any host after a long failure period', 'expired', 'soft'],
    ['', "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)", 'network-error', 'soft'],
    ['5.7.1', "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 'no-relaying', 'soft'],
    ['', '550 Host is not reachable', 'network-error', 'soft'],
    ['', '550 <a@b.example> sender rejected', 'rejected', 'soft'],
    ['', '550 Please use the SMTP server of your ISP', 'blocked', 'soft'],
  ])('%s "%s" is %s (%s)', (status, diagnostic, reason, cls) => {
    expect(check(status, diagnostic)).toMatchObject({ reason, class: cls });
  });

  it('does not take "Unknown address error", a relay service\'s label for any failure, as an unknown user', () => {
    expect(check('5.7.1', "5.1.0 - Unknown address error 550-'5.7.1 Access denied'")).toMatchObject({
      reason: 'security-error',
      class: 'soft',
    });
  });
});
