/** One send attempt's result as the engine records it. */
import type { Answered } from '../domain/smtp-bounce.js';
import type { Classification, ReplyInput, SmtpStep } from '../domain/smtp-reply.js';
import type { AttemptRecord } from '../queue/transitions.js';

export interface AttemptResult {
  sent: boolean;
  classification?: Classification;
  reply: string;
  /**
   * Who gave the failure: the SMTP step a server answered, or the recipient domain's DNS; absent
   * when no remote party did (mailroute's own refusal, a network error). Decides, with the
   * classification, whether the failure is a bounce (`domain/smtp-bounce.ts`).
   */
  answered?: Answered;
  record: AttemptRecord;
}

export function replyText(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { response?: unknown; message?: unknown };
    if (typeof e.response === 'string' && e.response) return e.response.slice(0, 1000);
    if (typeof e.message === 'string') return e.message.slice(0, 1000);
  }
  return String(error).slice(0, 1000);
}

/** The step a server's reply answered, for `AttemptResult.answered`; undefined when none replied. */
export function answeredStep(input: ReplyInput): SmtpStep | undefined {
  return input.code !== undefined || input.enhanced !== undefined ? input.command : undefined;
}
