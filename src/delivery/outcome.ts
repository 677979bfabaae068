/** One send attempt's result as the engine records it. */
import type { Classification } from '../domain/smtp-reply.js';
import type { AttemptRecord } from '../queue/transitions.js';

export interface AttemptResult {
  sent: boolean;
  classification?: Classification;
  reply: string;
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
