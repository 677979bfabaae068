/**
 * Scoring of parseBounce() against the shared bounce corpus (its README.md gives the rules):
 * - count: the number of recipients found equals the expected number (per message, not-bounces
 *   included with an expected count of 0);
 * - class: per expected recipient, compared in order with the recipient found at the same position
 *   (a missing one disagrees). `hard` where expected `hard`, `complaint` for `feedback`, `auto-reply`
 *   for `vacation`, `delivered` for `delivered`, `unknown` where no status is expected, else `soft`;
 * - status digit: over expected recipients with a status, the same first digit;
 * - exact status: over expected recipients whose status is standard, i.e. given by the bounce itself
 *   and not one of Sisimai's `X.0.9xx` stand-ins for "the bounce gave none".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBounce } from '../../src/bounces/parse.js';
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

export interface Score {
  messages: number;
  recipients: number;
  count: number;
  classAgree: number;
  digitTotal: number;
  digitAgree: number;
  exactTotal: number;
  exactAgree: number;
  notBounceFailures: string[];
  misses: string[];
}

export function expectedClass(r: ExpectedRecipient): string {
  if (r.hard) return 'hard';
  if (r.reason === 'feedback') return 'complaint';
  if (r.reason === 'vacation') return 'auto-reply';
  if (r.reason === 'delivered') return 'delivered';
  return r.status ? 'soft' : 'unknown';
}

export const isStandInStatus = (status: string) => /^\d\.0\.9\d\d$/.test(status);

export const percent = (n: number, d: number) => (d === 0 ? 100 : Math.round((1000 * n) / d) / 10);

export async function scoreCorpus(dir: string): Promise<Score> {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const s: Score = {
    messages: 0,
    recipients: 0,
    count: 0,
    classAgree: 0,
    digitTotal: 0,
    digitAgree: 0,
    exactTotal: 0,
    exactAgree: 0,
    notBounceFailures: [],
    misses: [],
  };
  for (const email of expected.emails) {
    const got: BounceReport = await parseBounce(readFileSync(join(dir, email.file)));
    s.messages++;
    if (got.recipients.length === email.recipients.length) s.count++;
    else
      s.misses.push(
        `${email.file}: ${got.recipients.length} recipients, expected ${email.recipients.length}`,
      );
    email.recipients.forEach((want, i) => {
      const have = got.recipients[i];
      s.recipients++;
      const cls = expectedClass(want);
      if (have?.class === cls) s.classAgree++;
      else
        s.misses.push(
          `${email.file}#${i}: class ${have?.class} (${have?.ruleId}), expected ${cls} (${want.reason}) — ${have?.diagnosticCode?.slice(0, 140)}`,
        );
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
  for (const file of expected.notBounces) {
    const got = await parseBounce(readFileSync(join(dir, file)));
    s.messages++;
    if (got.kind === 'not-bounce' || got.recipients.length === 0) s.count++;
    else s.notBounceFailures.push(`${file}: ${got.kind} with ${got.recipients.length} recipients`);
  }
  return s;
}
