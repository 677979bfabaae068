/**
 * The SMTP submission port's rules (pure): who may authenticate in clear, which email type a
 * message has, and how each refusal of the intake (the API's rules) is answered as SMTP, with an
 * enhanced status code and a text naming the problem.
 */
import { type EmailType, emailTypes } from './email-types.js';
import type { ErrorCode } from './errors.js';

/** Recipients of one SMTP transaction (the API's limit of one list). */
export const SUBMISSION_MAX_RECIPIENTS = 1000;
/** The user name is not a secret and is not checked, only kept short. */
export const SUBMISSION_MAX_USERNAME = 256;
/** The header that picks the email type; removed before sending. */
export const TYPE_HEADER = 'x-mailroute-type';

/** Whether `address` (as the socket names it) is a loopback address: 127.0.0.0/8 or ::1. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (a === '::1') return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  return m !== null && m[1] === '127' && m.slice(1).every((o) => Number(o) <= 255);
}

/**
 * AUTH PLAIN and LOGIN carry the key itself: only over TLS, or from the machine itself. Undefined
 * when allowed, else the reply (RFC 4954 §4: 538 encryption required).
 */
export function clearAuthRefusal(
  remoteAddress: string,
  secure: boolean,
  local: (address: string) => boolean = isLoopback,
): string | undefined {
  if (secure || local(remoteAddress)) return undefined;
  return '5.7.11 Encryption required: use STARTTLS (or the implicit TLS port) before AUTH';
}

/** The email type a header value names, or a problem naming the allowed values. */
export function emailTypeOf(value: string | undefined, fallback: EmailType): EmailType | { problem: string } {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if ((emailTypes as readonly string[]).includes(v)) return v as EmailType;
  return {
    problem: `X-Mailroute-Type must be one of ${emailTypes.join(', ')}; got "${value.trim().slice(0, 40)}"`,
  };
}

export interface SmtpAnswer {
  code: number;
  /** The enhanced status code and the text. */
  message: string;
}

/**
 * The SMTP reply for a refusal of the intake. The texts come from the intake and name the problem;
 * line breaks are taken out since a reply line cannot hold them.
 */
export function answerFor(code: ErrorCode, text: string, details?: Record<string, unknown>): SmtpAnswer {
  const t = text.replace(/[\r\n]+/g, ' ');
  switch (code) {
    case 'validation_failed':
    case 'bad_request':
      return t.startsWith('from:')
        ? { code: 550, message: `5.7.1 Sender not allowed: ${t}` }
        : { code: 550, message: `5.6.0 Message refused: ${t}` };
    case 'payload_too_large':
      return { code: 552, message: `5.3.4 Message too big: ${t}` };
    case 'limit_exceeded':
      return { code: 452, message: `4.5.3 Too many recipients: ${t}` };
    case 'daily_limit_exceeded': {
      const reset = typeof details?.resetAt === 'string' ? `; the limit resets at ${details.resetAt}` : '';
      return { code: 452, message: `4.7.0 Daily limit reached: ${t}${reset}; nothing was queued` };
    }
    case 'unprocessable':
      return { code: 554, message: `5.7.1 Message refused: ${t}` };
    case 'conflict':
      return { code: 550, message: `5.7.1 Message refused: ${t}` };
    case 'forbidden':
    case 'unauthorized':
      return { code: 550, message: `5.7.1 Not allowed: ${t}` };
    case 'rate_limited':
      return { code: 451, message: `4.7.0 ${t}` };
    case 'service_unavailable':
      return { code: 451, message: `4.3.0 ${t}` };
    default:
      return { code: 451, message: '4.3.0 Temporary failure; try again later' };
  }
}
