/**
 * Reading what the relay answered at a step: the greeting, and the failure a reply stands for
 * (421 always means the server is closing; a line that is not SMTP means the port is not SMTP).
 */
import type { ProbeIssue } from '../explanations.js';
import { ProbeFailure } from '../failure.js';
import type { SmtpChannel, SmtpReply } from '../smtp-channel.js';

export function replyFailure(reply: SmtpReply, issue: ProbeIssue, detail?: string): ProbeFailure {
  const actual = reply.code === 0 ? 'not-smtp' : reply.code === 421 ? 'service-closing' : issue;
  return new ProbeFailure(
    actual,
    detail === undefined ? { reply: reply.text } : { reply: reply.text, detail },
  );
}

export async function readGreeting(channel: SmtpChannel): Promise<SmtpReply> {
  const reply = await channel.read('no-greeting');
  if (reply.code === 220) return reply;
  if (reply.code === 421 || reply.code === 554) {
    throw new ProbeFailure('greeting-refused', { reply: reply.text });
  }
  throw replyFailure(reply, 'protocol-error');
}
