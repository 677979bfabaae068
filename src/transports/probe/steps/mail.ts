/**
 * The `mail` step: `MAIL FROM` with the relay's sender, then `RSET`. Nothing is ever sent: the probe
 * never says RCPT TO or DATA. 530 means the relay wants authentication first; other refusals mean
 * the sender is not allowed (5xx) or not now (4xx).
 */
import type { ProbeContext, ProbeSession } from '../context.js';
import type { ProbeIssue } from '../explanations.js';
import { ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';
import type { SmtpChannel } from '../smtp-channel.js';
import { currentChannel } from './ehlo.js';
import { replyFailure } from './replies.js';

export async function mailStep(ctx: ProbeContext, session: ProbeSession): Promise<StepOutcome<void>> {
  const channel = currentChannel(session);
  const sender = `<${ctx.target.mailFrom}>`;
  const reply = await channel.command(`MAIL FROM:${sender}`);
  if (reply.code !== 250) throw replyFailure(reply, mailIssue(reply.code), `sender ${sender}`);
  const reset = await resetReply(channel);
  return {
    value: undefined,
    reply: reply.text,
    detail: `sender ${sender} accepted; RSET: ${reset}; no RCPT TO or DATA was sent, so no mail went out`,
    summary: { code: 'mail-accepted', params: { sender: ctx.target.mailFrom } },
  };
}

function mailIssue(code: number): ProbeIssue {
  if (code === 530) return 'auth-required';
  return code >= 400 && code < 500 ? 'mail-from-deferred' : 'mail-from-refused';
}

async function resetReply(channel: SmtpChannel): Promise<string> {
  try {
    return (await channel.command('RSET')).text;
  } catch (error) {
    return error instanceof ProbeFailure ? (error.info.detail ?? error.issue) : 'no reply';
  }
}
