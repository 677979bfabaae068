import { describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { statusRules, textRules } from '../../src/bounces/rules.js';
import { bounceReasons, reasonClass } from '../../src/domain/bounce-reasons.js';

describe('classify: decisive status codes win over wording', () => {
  it.each([
    ['5.1.1', 'Recipient address rejected', 'hard', 'status-bad-mailbox', 'user-unknown'],
    ['4.1.1', '', 'hard', 'status-bad-mailbox', 'user-unknown'],
    ['5.1.2', '', 'hard', 'status-bad-domain', 'host-unknown'],
    ['5.1.3', '', 'hard', 'status-bad-address-syntax', 'user-unknown'],
    ['5.1.6', '', 'hard', 'status-moved', 'has-moved'],
    ['5.1.10', '', 'hard', 'status-null-mx', 'not-accept'],
    ['5.1.8', 'domain not found', 'soft', 'status-bad-sender', 'rejected'],
    ['5.2.2', 'user unknown', 'soft', 'status-mailbox-full', 'mailbox-full'],
    ['5.2.3', '', 'soft', 'status-exceed-limit', 'exceed-limit'],
    ['5.3.4', '', 'soft', 'status-too-big', 'message-too-big'],
    ['4.4.7', '', 'soft', 'status-expired', 'expired'],
    ['5.7.27', '', 'hard', 'status-null-mx-host', 'not-accept'],
    ['5.7.1', 'Access denied', 'soft', 'status-security', 'security-error'],
  ])('status %s with "%s" is %s (%s, %s)', (status, diagnosticCode, cls, ruleId, reason) => {
    expect(classify({ status, diagnosticCode, action: 'failed' })).toMatchObject({
      class: cls,
      reason,
      ruleId,
      status,
    });
  });
});

describe('classify: wording decides when the status does not', () => {
  it.each([
    ['550 Sender address rejected: Domain not found', 'soft', 'text-sender-rejected', '5.1.8'],
    ['554 Relay access denied', 'soft', 'text-relay-denied', '5.7.1'],
    ['552 Mailbox is full', 'soft', 'text-mailbox-full', '5.2.2'],
    ['550 This account has been disabled', 'soft', 'text-disabled', '5.2.1'],
    ['552 Message size exceeds fixed maximum message size', 'soft', 'text-too-big', '5.3.4'],
    ['550 Blocked by Spamhaus', 'soft', 'text-spam', '5.7.1'],
    ['550 Host does not accept mail', 'hard', 'text-domain-accepts-no-mail', '5.1.10'],
    ["Sorry, I couldn't find any host named example.invalid", 'hard', 'text-unknown-domain', '5.1.2'],
    ['550 No such user here', 'hard', 'text-unknown-user', '5.1.1'],
    ['551 User has moved', 'hard', 'text-moved', '5.1.6'],
    ['Retry timeout exceeded', 'soft', 'text-expired', '5.4.7'],
    ['Connection refused', 'soft', 'text-network', '5.4.1'],
    ['Local configuration error', 'soft', 'text-system', '5.3.0'],
  ])('"%s" is %s (%s)', (diagnosticCode, cls, ruleId, status) => {
    expect(classify({ status: '', diagnosticCode, action: 'failed' })).toMatchObject({
      class: cls,
      ruleId,
      status,
    });
  });

  it('takes the class digit of the inferred status from the reply code', () => {
    expect(classify({ diagnosticCode: '452 Mailbox is full', action: 'failed' }).status).toBe('4.2.2');
  });

  it('prefers a specific code quoted in the diagnostic over a generic Status', () => {
    expect(classify({ status: '5.0.0', diagnosticCode: '550 5.1.1 <a@b.example>: unknown' })).toMatchObject({
      status: '5.1.1',
      class: 'hard',
    });
  });

  it('does not suppress an address refused in reply to DATA without a status saying so', () => {
    expect(classify({ status: '5.0.0', diagnosticCode: '550 User unknown', command: 'DATA' })).toMatchObject({
      class: 'soft',
      ruleId: 'refused-after-data',
    });
    expect(classify({ status: '5.1.1', diagnosticCode: '550 User unknown', command: 'DATA' }).class).toBe(
      'hard',
    );
  });
});

describe('classify: wording that names another cause beats a bare bad-mailbox status', () => {
  it.each([
    ['550 5.1.1 <a@b.example>... Mailbox full', 'text-mailbox-full', 'mailbox-full'],
    [
      '550 5.1.1 <a@b.example> - 192.0.2.7 has sent to too many recipients this hour',
      'text-rate-limited',
      'rate-limited',
    ],
    [
      'procmail: Couldn\'t create "/var/spool/mail/a" id: b.example: No such user',
      'text-local-program-error',
      'system-error',
    ],
  ])('5.1.1 with "%s" is soft (%s, %s), keeping the status', (diagnosticCode, ruleId, reason) => {
    expect(classify({ status: '5.1.1', diagnosticCode, action: 'failed' })).toEqual({
      class: 'soft',
      reason,
      ruleId,
      status: '5.1.1',
    });
  });

  it('keeps 5.1.1 hard when the wording agrees or says nothing else', () => {
    expect(classify({ status: '5.1.1', diagnosticCode: '550 5.1.1 User unknown' }).class).toBe('hard');
    expect(classify({ status: '5.1.1', diagnosticCode: '550 5.1.1 Blocked by policy' }).class).toBe('hard');
  });

  it('does not let such wording override other decisive statuses', () => {
    expect(classify({ status: '5.1.2', diagnosticCode: '550 5.1.2 too many recipients' }).class).toBe('hard');
  });
});

describe('classify: the SMTP command a failure answered', () => {
  it('keeps "user unknown" in reply to RCPT TO hard', () => {
    expect(classify({ status: '', diagnosticCode: '550 User unknown', command: 'RCPT' })).toMatchObject({
      class: 'hard',
      ruleId: 'text-unknown-user',
    });
  });

  it('makes "user unknown" in reply to DATA soft: filters reuse the wording', () => {
    expect(
      classify({ status: '', diagnosticCode: '550 Unknown user a@b.example', command: 'DATA' }),
    ).toMatchObject({ class: 'soft', ruleId: 'refused-after-data' });
  });

  it('keeps a provider saying it has no such account hard even after DATA', () => {
    const diagnosticCode =
      "554 delivery error: dd This user doesn't have a b.example account (a@b.example) [0]";
    expect(classify({ status: '5.0.0', diagnosticCode, command: 'DATA' })).toMatchObject({
      class: 'hard',
      ruleId: 'text-no-such-account',
    });
  });

  it.each(['MAIL', 'EHLO', 'CONN'])(
    'makes a refusal of %s soft whatever its wording or status',
    (command) => {
      for (const [status, diagnosticCode] of [
        ['', '553 5.1.0 sender.example does not exist'],
        ['5.1.1', '550 5.1.1 No such user'],
      ]) {
        expect(classify({ status, diagnosticCode, command })).toMatchObject({
          class: 'soft',
          ruleId: 'refused-before-rcpt',
        });
      }
    },
  );
});

describe('classify: more wording', () => {
  it.each([
    [
      'The account or domain may not exist, they may be blacklisted, or missing the proper dns entries.',
      'hard',
      'text-account-or-domain-may-not-exist',
    ],
    ['Error: No valid recipients for this MM', 'hard', 'text-address-gone'],
    ['452 4.3.2 Connection rate limit exceeded', 'soft', 'text-too-many-connections'],
    ['552 Too many recipients', 'soft', 'text-rate-limited'],
    ['Command output: /usr/bin/filter failed', 'soft', 'text-local-program-error'],
  ])('"%s" is %s (%s)', (diagnosticCode, cls, ruleId) => {
    expect(classify({ diagnosticCode, action: 'failed' })).toMatchObject({ class: cls, ruleId });
  });
});

describe('classify: outcomes without a failure', () => {
  it.each([
    [{ action: 'delivered', status: '2.0.0' }, 'delivered'],
    [{ action: 'relayed' }, 'delivered'],
    [{ status: '2.6.0' }, 'delivered'],
    [{ action: 'failed', diagnosticCode: 'something odd' }, 'soft'],
    [{ action: 'delayed' }, 'soft'],
    [{}, 'unknown'],
  ])('%j is %s', (input, cls) => {
    expect(classify(input).class).toBe(cls);
  });
});

describe('the rules table', () => {
  it('gives every rule a unique id', () => {
    const ids = [...statusRules, ...textRules].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every text rule a status to infer', () => {
    for (const rule of textRules) expect(rule.status, rule.id).toMatch(/^[245]\.\d+\.\d+$/);
  });
});

describe('bounce reasons', () => {
  it('gives every rule a reason of the taxonomy, whose class is the one table', () => {
    for (const rule of [...statusRules, ...textRules]) expect(bounceReasons).toContain(rule.reason);
    expect(classify({ status: '', diagnosticCode: '', action: 'failed' })).toMatchObject({
      class: 'soft',
      reason: 'undefined',
    });
    expect(reasonClass['user-unknown']).toBe('hard');
    expect(reasonClass['mailbox-full']).toBe('soft');
    expect(reasonClass.suspend).toBe('soft');
  });

  it('names the reason of a refusal before any recipient and of one after DATA', () => {
    expect(classify({ status: '5.1.1', diagnosticCode: '550 no', command: 'MAIL' })).toMatchObject({
      class: 'soft',
      reason: 'rejected',
    });
    expect(classify({ status: '5.0.0', diagnosticCode: '550 User unknown', command: 'DATA' })).toMatchObject({
      class: 'soft',
      reason: 'filtered',
    });
  });
});
