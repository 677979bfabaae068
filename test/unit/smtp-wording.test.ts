/**
 * One wording, one meaning: each group of `smtp-wording.ts` that both classifiers read gives the same
 * answer from both, a reply to our own delivery (`classifyReply`) and a bounce diagnostic
 * (`classify`), for sample phrases as servers write them.
 */
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { classify } from '../../src/bounces/classify.js';
import { textRules } from '../../src/bounces/rules.js';
import { registerSmtpCommand } from '../../src/cli/commands/smtp.js';
import { classifyReply, type DeliveryPath, type SmtpStep } from '../../src/domain/smtp-reply.js';
import { type RuleConditions, smtpReplyRules } from '../../src/domain/smtp-reply-rules.js';
import { anyOf, smtpWording, type Wording, wordingOf } from '../../src/domain/smtp-wording.js';

interface Agreement {
  samples: string[];
  /** The reply code the samples come with; 550 unless given. */
  code?: number;
  /** Where the delivery classifier sees them; the platform path on RCPT TO unless given. */
  path?: DeliveryPath;
  step?: SmtpStep;
  delivery: string;
  bounce: string;
  /** The status both record when the server gave none. */
  status: string;
  /** The bounce class: `hard` exactly when the address itself is bad. */
  class: 'hard' | 'soft';
  /** The bounce rule infers another status, and why the two differ. */
  bounceStatus?: [status: string, why: string];
}

const agreements: Record<string, Agreement> = {
  'relay-denied': {
    samples: [
      'Relay access denied',
      'Relaying denied',
      'relay not permitted',
      'Unable to relay for a@b.example',
      "Sorry, that domain isn't in my list of allowed rcpthosts",
    ],
    delivery: 'relay.denied',
    bounce: 'text-relay-denied',
    status: '5.7.1',
    class: 'soft',
  },
  'sender-refused': {
    samples: [
      'Sender address rejected: not owned by user a@b.example',
      'Sender verify failed',
      'You are not allowed to send as this address',
    ],
    delivery: 'relay.sender-refused',
    bounce: 'text-sender-rejected',
    status: '5.7.1',
    class: 'soft',
    bounceStatus: ['5.1.8', 'a bounce naming the sender mostly reports a bad sender domain (X.1.8)'],
  },
  'client-blocked': {
    samples: [
      'Client host rejected: cannot find your hostname',
      'Service unavailable; Client host [192.0.2.1] blocked using zen.example',
      'Your IP address 192.0.2.1 is listed on a block list',
    ],
    delivery: 'relay.client-blocked',
    bounce: 'text-blocked',
    status: '5.7.1',
    class: 'soft',
  },
  'sending-quota': {
    samples: [
      'Daily sending quota exceeded',
      'Message limit exceeded',
      'You have exceeded your daily sending limit',
    ],
    path: 'relay',
    delivery: 'relay.quota-exceeded',
    bounce: 'text-sending-quota',
    status: '5.4.5',
    class: 'soft',
  },
  'too-many-recipients': {
    samples: ['Too many recipients', 'Error: too many rcpt'],
    code: 452,
    path: 'relay',
    delivery: 'slowdown.too-many-recipients',
    bounce: 'text-rate-limited',
    status: '4.5.3',
    class: 'soft',
    bounceStatus: ['4.7.0', 'bounces say "sent to too many recipients this hour" for a rate as often'],
  },
  'rate-limited': {
    samples: ['Rate limit exceeded, try again later', 'Too many messages, try later', 'Please slow down'],
    code: 451,
    path: 'relay',
    delivery: 'slowdown.rate-limited',
    bounce: 'text-rate-limited',
    status: '4.7.0',
    class: 'soft',
  },
  'bad-domain': {
    samples: ['Domain not found', 'No such domain', 'Host unknown', 'Unrouteable mail domain'],
    delivery: 'rcpt.bad-domain',
    bounce: 'text-unknown-domain',
    status: '5.1.2',
    class: 'hard',
  },
  'no-such-account': {
    samples: ["This user doesn't have a b.example account", 'No account exists with that address'],
    delivery: 'rcpt.user-unknown',
    bounce: 'text-no-such-account',
    status: '5.1.1',
    class: 'hard',
  },
  'user-unknown': {
    samples: [
      'User unknown',
      'No such user here',
      'Unknown local part',
      'Recipient address rejected: User unknown in virtual mailbox table',
    ],
    delivery: 'rcpt.user-unknown',
    bounce: 'text-unknown-user',
    status: '5.1.1',
    class: 'hard',
  },
  'mailbox-unavailable': {
    samples: ['Mailbox unavailable', 'Invalid recipient', 'Not a valid mailbox'],
    delivery: 'rcpt.user-unknown',
    bounce: 'text-mailbox-unavailable',
    status: '5.1.1',
    class: 'hard',
  },
  'mailbox-full': {
    samples: ['Mailbox is full', 'User is over quota', 'Quota exceeded', 'Insufficient storage'],
    delivery: 'rcpt.mailbox-full',
    bounce: 'text-mailbox-full',
    status: '5.2.2',
    class: 'soft',
  },
  'mailbox-disabled': {
    samples: ['This account has been disabled', 'Mailbox is inactive', 'User suspended'],
    delivery: 'rcpt.mailbox-disabled',
    bounce: 'text-disabled',
    status: '5.2.1',
    class: 'soft',
  },
  'message-too-big': {
    samples: [
      'Message too large',
      'Message size exceeds fixed maximum message size',
      'Message size limit exceeded',
    ],
    step: 'data',
    delivery: 'message.too-big',
    bounce: 'text-too-big',
    status: '5.3.4',
    class: 'soft',
  },
  virus: {
    samples: ['Virus found in message', 'The message contains malware'],
    step: 'data',
    delivery: 'content.virus',
    bounce: 'text-virus',
    status: '5.7.1',
    class: 'soft',
  },
  unauthenticated: {
    samples: ['DMARC policy violation', 'SPF check failed', 'Unauthenticated email is not accepted'],
    step: 'data',
    delivery: 'content.unauthenticated',
    bounce: 'text-unauthenticated',
    status: '5.7.26',
    class: 'soft',
  },
  spam: {
    samples: ['Message rejected as spam', 'Message content rejected, UBE', 'Looks like junk mail'],
    step: 'data',
    delivery: 'content.spam',
    bounce: 'text-spam',
    status: '5.7.1',
    class: 'soft',
  },
  'recipient-refused': {
    samples: ['Recipient address rejected', 'Recipient not accepted'],
    delivery: 'rcpt.refused',
    bounce: 'text-recipient-refused',
    status: '5.1.0',
    class: 'soft',
  },
};

function textsOf(c: RuleConditions): RegExp[] {
  return [...(c.text ? [c.text] : []), ...(c.any ?? []).flatMap(textsOf)];
}

const deliveryTexts = smtpReplyRules.flatMap((r) => textsOf(r.when));
const readByDelivery = (w: Wording) => deliveryTexts.includes(w.pattern);
const readByBounces = (w: Wording) =>
  textRules.some((r) => r.pattern === w.pattern || r.pattern.source.includes(`(?:${w.pattern.source})`));

describe('SMTP wording shared by the delivery classifier and the bounce rules', () => {
  for (const [id, a] of Object.entries(agreements)) {
    describe(id, () => {
      it.each(a.samples)('"%s" is recognised as this group', (sample) => {
        expect(wordingOf(sample)?.id).toBe(id);
      });

      it.each(a.samples)(`"%s" gives ${a.delivery} when replied to a delivery`, (sample) => {
        const reply = classifyReply({
          path: a.path ?? 'platform',
          command: a.step ?? 'rcpt',
          text: `${a.code ?? 550} ${sample}`,
        });
        expect(reply).toMatchObject({ ruleId: a.delivery, status: a.status });
      });

      it.each(a.samples)(`"%s" gives ${a.bounce} in a bounce`, (sample) => {
        const bounce = classify({ diagnosticCode: `${a.code ?? 550} ${sample}`, action: 'failed' });
        expect(bounce).toMatchObject({
          ruleId: a.bounce,
          class: a.class,
          status: a.bounceStatus?.[0] ?? a.status,
        });
      });
    });
  }

  it.each([
    '550 5.7.1 <a@b.example>: Recipient address rejected: User unknown',
    '554 5.7.1 No such user here',
  ])('reads clear user-unknown words under a 5.7.x status the same in both: "%s"', (text) => {
    expect(classifyReply({ path: 'platform', command: 'rcpt', text })).toMatchObject({
      ruleId: 'rcpt.user-unknown',
      status: '5.7.1',
    });
    expect(classify({ diagnosticCode: text, action: 'failed', command: 'RCPT' })).toMatchObject({
      ruleId: 'text-unknown-user',
      class: 'hard',
      status: '5.7.1',
    });
  });

  it('reads loose words under a 5.7.x status as a policy refusal in both', () => {
    const text = '550 5.7.1 Requested action not taken: mailbox unavailable';
    expect(classifyReply({ path: 'platform', command: 'rcpt', text })).toMatchObject({
      ruleId: 'rcpt.policy',
    });
    expect(classify({ diagnosticCode: text, action: 'failed', command: 'RCPT' }).class).toBe('soft');
  });

  it('has sample phrases for every group both classifiers read', () => {
    const shared = smtpWording.filter((w) => readByDelivery(w) && readByBounces(w)).map((w) => w.id);
    expect(shared.sort()).toEqual(Object.keys(agreements).sort());
  });

  it('has no group that neither classifier reads', () => {
    const unread = smtpWording.filter((w) => !readByDelivery(w) && !readByBounces(w)).map((w) => w.id);
    expect(unread).toEqual([]);
  });

  it('gives every group a unique id and a meaning', () => {
    const ids = smtpWording.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of smtpWording) expect(w.meaning, w.id).not.toBe('');
  });
});

describe('anyOf', () => {
  it('matches what any of its patterns matches, ignoring case', () => {
    const re = anyOf(/user unknown/, /no such (user|mailbox)/i);
    expect(['User Unknown', 'no such mailbox'].every((t) => re.test(t))).toBe(true);
    expect(re.test('mailbox full')).toBe(false);
  });
});

async function cli(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  try {
    const program = new Command().exitOverride();
    registerSmtpCommand(program);
    await program.parseAsync(['node', 'mailroute', ...args]);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('mailroute smtp wording', () => {
  it('lists every group in the order they are tried', async () => {
    const lines = await cli(['smtp', 'wording', '--json']);
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(smtpWording.map((w) => w.id));
  });

  it('names the group a reply uses', async () => {
    const [line] = await cli(['smtp', 'wording', '554 5.7.1 <a@b.example>: Relay access denied', '--json']);
    expect(JSON.parse(line!)).toEqual({ id: 'relay-denied', meaning: 'the server does not relay for us' });
    expect(await cli(['smtp', 'wording', '250 OK'])).toEqual(['no known wording']);
  });
});
