/**
 * Scoring of parseBounce() against the shared bounce corpus (its README.md gives the rules):
 * - count: the number of recipients found equals the expected number (per message, not-bounces
 *   included with an expected count of 0);
 * - class: per expected recipient, compared in order with the recipient found at the same position
 *   (a missing one disagrees). `hard` where expected `hard`, `complaint` for `feedback`, `auto-reply`
 *   for `vacation`, `delivered` for `delivered`, `unknown` where no status is expected, else `soft`;
 * - status digit: over expected recipients with a status, the same first digit;
 * - exact status: over expected recipients whose status is standard, i.e. given by the bounce itself
 *   and not one of Sisimai's `X.0.9xx` stand-ins for "the bounce gave none";
 * - reason: over expected recipients whose reference reason has a counterpart in our taxonomy
 *   (`referenceReason`), the same reason.
 *
 * Discipline for mail the parser has never seen (issue 16): the corpus is split in two halves by file
 * number (`halfOf`), so every MTA family with more than one file has files in both. Rules are tuned
 * looking at half A only; half B is the held-out figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBounce } from '../../src/bounces/parse.js';
import type { BounceReason } from '../../src/domain/bounce-reasons.js';
import type { BounceReport } from '../../src/domain/bounce-report.js';

interface ExpectedRecipient {
  status: string;
  replyCode: string;
  reason: string;
  hard: boolean;
}

interface Expected {
  emails: { file: string; recipients: ExpectedRecipient[] }[];
  notBounces: string[];
}

export type Half = 'A' | 'B';

export interface Score {
  messages: number;
  recipients: number;
  count: number;
  classAgree: number;
  digitTotal: number;
  digitAgree: number;
  exactTotal: number;
  exactAgree: number;
  reasonTotal: number;
  reasonAgree: number;
  notBounceFailures: string[];
  misses: string[];
}

export interface Figures {
  messages: number;
  recipients: number;
  classAgreement: number;
  exactStatusAgreement: number;
  exactStatusCounted: number;
  statusDigitAgreement: number;
  reasonAgreement: number;
  reasonCounted: number;
  recipientCountAgreement: number;
}

export function expectedClass(r: ExpectedRecipient): string {
  if (r.hard) return 'hard';
  if (r.reason === 'feedback') return 'complaint';
  if (r.reason === 'vacation') return 'auto-reply';
  if (r.reason === 'delivered') return 'delivered';
  return r.status ? 'soft' : 'unknown';
}

/**
 * The reference analyzer's reason names in our taxonomy. Most are the same word; the reference has
 * a few finer names that ours folds into one: `authfailure` (SPF/DKIM/DMARC) is a security error,
 * `mailererror` (a local delivery program failed) a system error, `requireptr` and `badreputation`
 * (the sending host is refused) blocked, `speeding` rate-limited, `notcompliantrfc` (a malformed
 * message) a content error. `onhold` (the reference could not decide yet) has no counterpart and is
 * not counted.
 */
const referenceReasons: Readonly<Record<string, BounceReason>> = {
  userunknown: 'user-unknown',
  hostunknown: 'host-unknown',
  hasmoved: 'has-moved',
  mailboxfull: 'mailbox-full',
  exceedlimit: 'exceed-limit',
  mesgtoobig: 'message-too-big',
  filtered: 'filtered',
  rejected: 'rejected',
  blocked: 'blocked',
  spamdetected: 'spam-detected',
  virusdetected: 'virus-detected',
  policyviolation: 'policy-violation',
  securityerror: 'security-error',
  norelaying: 'no-relaying',
  notaccept: 'not-accept',
  suspend: 'suspend',
  expired: 'expired',
  toomanyconn: 'too-many-connections',
  ratelimited: 'rate-limited',
  networkerror: 'network-error',
  systemerror: 'system-error',
  systemfull: 'system-full',
  contenterror: 'content-error',
  syntaxerror: 'syntax-error',
  vacation: 'vacation',
  feedback: 'feedback',
  delivered: 'delivered',
  undefined: 'undefined',
  authfailure: 'security-error',
  mailererror: 'system-error',
  requireptr: 'blocked',
  badreputation: 'blocked',
  speeding: 'rate-limited',
  notcompliantrfc: 'content-error',
};

export function referenceReason(name: string): BounceReason | undefined {
  return referenceReasons[name];
}

/**
 * The half a corpus file belongs to, by its number: `…-01`, `-05`, `-09` … are A, `-03`, `-07`,
 * `-11` … are B (the shared files are the odd-numbered ones, so the number's second bit splits them).
 */
export function halfOf(file: string): Half {
  const n = Number(/(\d+)\.eml$/.exec(file)?.[1] ?? '0');
  return Math.floor(n / 2) % 2 === 0 ? 'A' : 'B';
}

export const isStandInStatus = (status: string) => /^\d\.0\.9\d\d$/.test(status);

export const percent = (n: number, d: number) => (d === 0 ? 100 : Math.round((1000 * n) / d) / 10);

function emptyScore(): Score {
  return {
    messages: 0,
    recipients: 0,
    count: 0,
    classAgree: 0,
    digitTotal: 0,
    digitAgree: 0,
    exactTotal: 0,
    exactAgree: 0,
    reasonTotal: 0,
    reasonAgree: 0,
    notBounceFailures: [],
    misses: [],
  };
}

export function figuresOf(s: Score): Figures {
  return {
    messages: s.messages,
    recipients: s.recipients,
    classAgreement: percent(s.classAgree, s.recipients),
    exactStatusAgreement: percent(s.exactAgree, s.exactTotal),
    exactStatusCounted: s.exactTotal,
    statusDigitAgreement: percent(s.digitAgree, s.digitTotal),
    reasonAgreement: percent(s.reasonAgree, s.reasonTotal),
    reasonCounted: s.reasonTotal,
    recipientCountAgreement: percent(s.count, s.messages),
  };
}

async function scoreEmail(
  s: Score,
  dir: string,
  email: { file: string; recipients: ExpectedRecipient[] },
): Promise<void> {
  const got: BounceReport = await parseBounce(readFileSync(join(dir, email.file)));
  s.messages++;
  if (got.recipients.length === email.recipients.length) s.count++;
  else
    s.misses.push(`${email.file}: ${got.recipients.length} recipients, expected ${email.recipients.length}`);
  email.recipients.forEach((want, i) => {
    const have = got.recipients[i];
    s.recipients++;
    const cls = expectedClass(want);
    if (have?.class === cls) s.classAgree++;
    else
      s.misses.push(
        `${email.file}#${i}: class ${have?.class} (${have?.ruleId}), expected ${cls} (${want.reason}) — ${have?.diagnosticCode?.slice(0, 160)}`,
      );
    const reason = referenceReason(want.reason);
    if (reason) {
      s.reasonTotal++;
      if (have?.reason === reason) s.reasonAgree++;
      else
        s.misses.push(
          `${email.file}#${i}: reason ${have?.reason} (${have?.ruleId}), expected ${reason} — ${have?.diagnosticCode?.slice(0, 160)}`,
        );
    }
    if (want.status) {
      s.digitTotal++;
      if (have?.status[0] === want.status[0]) s.digitAgree++;
      if (!isStandInStatus(want.status)) {
        s.exactTotal++;
        if (have?.status === want.status) s.exactAgree++;
        else s.misses.push(`${email.file}#${i}: status ${have?.status}, expected ${want.status}`);
      } else if (have?.status[0] !== want.status[0]) {
        s.misses.push(`${email.file}#${i}: status ${have?.status}, expected digit of ${want.status}`);
      }
    }
  });
}

/** Scores each half of the corpus on its own. */
export async function scoreCorpus(dir: string): Promise<Record<Half, Score>> {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const halves: Record<Half, Score> = { A: emptyScore(), B: emptyScore() };
  for (const email of expected.emails) await scoreEmail(halves[halfOf(email.file)], dir, email);
  for (const file of expected.notBounces) {
    const s = halves[halfOf(file)];
    const got = await parseBounce(readFileSync(join(dir, file)));
    s.messages++;
    if (got.kind === 'not-bounce' || got.recipients.length === 0) s.count++;
    else s.notBounceFailures.push(`${file}: ${got.kind} with ${got.recipients.length} recipients`);
  }
  return halves;
}
