import { describe, expect, it } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { bounceOutcome } from '../../src/domain/bounce-outcome.js';
import { type Answered, smtpBounceInput, smtpBounceOf } from '../../src/domain/smtp-bounce.js';
import { classifyReply, fromNodemailerError, type SmtpStep } from '../../src/domain/smtp-reply.js';

/** A server's reply to a step, as nodemailer reports it, classified by the delivery classifier. */
const refused = (path: 'relay' | 'platform', command: string, response: string) => {
  const input = fromNodemailerError(
    { code: 'EENVELOPE', command, response, responseCode: Number(response.slice(0, 3)) },
    path,
  );
  return { c: classifyReply(input), reply: response, answered: input.command as SmtpStep };
};

describe('which refusals at SMTP time are bounces', () => {
  it('a permanent refusal a server gave, with the command it answered', () => {
    const rcpt = refused('relay', 'RCPT TO', '550 5.1.1 <gone@example.net>: User unknown');
    expect(rcpt.c.action).toBe('bounce');
    expect(smtpBounceInput(rcpt.c, rcpt.reply, rcpt.answered)).toEqual({
      status: '5.1.1',
      diagnosticCode: '550 5.1.1 <gone@example.net>: User unknown',
      command: 'RCPT',
    });
    const data = refused('platform', 'DATA', '554 5.7.1 rejected as spam');
    expect(smtpBounceInput(data.c, data.reply, data.answered)).toMatchObject({ command: 'DATA' });
    const mail = refused('platform', 'MAIL FROM', '550 5.7.1 sender rejected');
    expect(smtpBounceInput(mail.c, mail.reply, mail.answered)).toMatchObject({ command: 'MAIL' });
  });

  it("the recipient domain's DNS: no command, the status says it", () => {
    const c = classifyReply({ path: 'platform', command: 'rcpt', code: 550, enhanced: '5.1.2', text: 'x' });
    expect(smtpBounceInput(c, '550 5.1.2 no mail server found for nowhere.example', 'dns')).toEqual({
      status: '5.1.2',
      diagnosticCode: '550 5.1.2 no mail server found for nowhere.example',
    });
  });

  it('none for what the delivery classifier does not bounce, or what no remote party said', () => {
    const later = refused('relay', 'RCPT TO', '450 4.2.1 mailbox busy');
    expect(later.c.action).not.toBe('bounce');
    expect(smtpBounceInput(later.c, later.reply, later.answered)).toBeUndefined();
    const platformLater = refused('platform', 'RCPT TO', '452 4.2.2 mailbox full');
    expect(smtpBounceInput(platformLater.c, platformLater.reply, platformLater.answered)).toBeUndefined();
    // A relay refusing to relay for us is the relay's trouble: the mail falls back, nothing bounces.
    const relaying = refused('relay', 'RCPT TO', '554 5.7.1 Relay access denied');
    expect(relaying.c.action).toBe('fallback');
    expect(smtpBounceInput(relaying.c, relaying.reply, relaying.answered)).toBeUndefined();
    // mailroute's own host policy refusing every MX address: a bounce of the delivery, no bounce record.
    const policy = classifyReply({
      path: 'platform',
      command: 'connect',
      errorKind: 'EPOLICY',
      text: '550 5.4.4 no allowed MX address',
    });
    expect(policy.action).toBe('bounce');
    expect(smtpBounceInput(policy, '550 5.4.4 no allowed MX address', undefined)).toBeUndefined();
  });
});

describe('the class and reason follow the wording and the command', () => {
  const cases: [
    name: string,
    path: 'relay' | 'platform',
    command: string,
    response: string,
    reason: string,
    cls: string,
  ][] = [
    ['an unknown user at RCPT is hard', 'relay', 'RCPT TO', '550 5.1.1 User unknown', 'user-unknown', 'hard'],
    [
      'an unknown domain at RCPT is hard',
      'platform',
      'RCPT TO',
      '550 5.1.2 Host unknown',
      'host-unknown',
      'hard',
    ],
    ['a full mailbox at RCPT is soft', 'relay', 'RCPT TO', '552 5.2.2 Mailbox full', 'mailbox-full', 'soft'],
    [
      'a suspended mailbox is soft',
      'platform',
      'RCPT TO',
      '550 5.2.1 Mailbox disabled, account suspended',
      'suspend',
      'soft',
    ],
    [
      "a refusal of MAIL FROM is not the recipient's fault",
      'platform',
      'MAIL FROM',
      '550 5.1.1 User unknown',
      'rejected',
      'soft',
    ],
  ];
  it.each(cases)('%s', (_name, path, command, response, reason, cls) => {
    const r = refused(path, command, response);
    const b = smtpBounceOf(classify, r.c, r.reply, r.answered);
    expect(b).toMatchObject({ reason, class: cls, diagnosticCode: response });
  });

  it('NXDOMAIN and a null MX, as platform delivery words them, are hard', () => {
    const nx = classifyReply({ path: 'platform', command: 'rcpt', code: 550, enhanced: '5.1.2', text: 'x' });
    expect(
      smtpBounceOf(classify, nx, '550 5.1.2 no mail server found for nowhere.example', 'dns'),
    ).toMatchObject({
      status: '5.1.2',
      class: 'hard',
      reason: 'host-unknown',
    });
    const nullMx = classifyReply({
      path: 'platform',
      command: 'rcpt',
      code: 556,
      enhanced: '5.1.10',
      text: 'x',
    });
    expect(nullMx).toMatchObject({ action: 'bounce', status: '5.1.10' });
    expect(
      smtpBounceOf(classify, nullMx, '556 5.1.10 nullmx.example accepts no mail (null MX)', 'dns'),
    ).toMatchObject({ status: '5.1.10', class: 'hard', reason: 'not-accept' });
  });

  it('hard suppresses at once, soft counts toward the soft-bounce rule (the DSN rule, action failed)', () => {
    expect(bounceOutcome('hard', 'failed')).toMatchObject({ suppress: 'hard-bounce', countsAsSoft: false });
    expect(bounceOutcome('soft', 'failed')).toMatchObject({ countsAsSoft: true });
    expect(bounceOutcome('soft', 'failed').suppress).toBeUndefined();
  });

  it('every step maps to a command the bounce classifier reads', () => {
    const steps: Answered[] = [
      'connect',
      'greeting',
      'ehlo',
      'starttls',
      'auth',
      'mail',
      'rcpt',
      'data',
      'message',
    ];
    const bounce = { action: 'bounce' as const, permanent: true, status: '5.0.0' };
    expect(steps.map((s) => smtpBounceInput(bounce, '550 no', s)?.command)).toEqual([
      'CONN',
      'CONN',
      'EHLO',
      'EHLO',
      'EHLO',
      'MAIL',
      'RCPT',
      'DATA',
      'DATA',
    ]);
  });
});
