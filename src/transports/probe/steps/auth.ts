/**
 * The `auth` step: authenticates with the relay's credentials using a mechanism the server lists
 * after EHLO (over TLS when the security mode has it). 235 passes; 535 is a wrong username or
 * password (or a refused token); a server that hides AUTH until STARTTLS is told apart from one that
 * has no AUTH at all. Absent with authentication `none`.
 */
import type { ProbeContext, ProbeSession } from '../context.js';
import type { ProbeIssue } from '../explanations.js';
import { ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';
import { authenticate, type Credentials, chooseMechanism } from '../sasl.js';
import { currentChannel, listCapabilities } from './ehlo.js';
import { replyFailure } from './replies.js';

export async function authStep(
  ctx: ProbeContext,
  session: ProbeSession,
  credentials: Credentials,
): Promise<StepOutcome<void>> {
  const channel = currentChannel(session);
  const offered = session.capabilities.get('AUTH');
  if (!offered) {
    const issue = session.capabilities.has('STARTTLS') ? 'auth-needs-tls' : 'auth-not-offered';
    throw new ProbeFailure(issue, { detail: `capabilities: ${listCapabilities(session.capabilities)}` });
  }
  const mechanism = chooseMechanism(credentials, offered);
  if (!mechanism) {
    throw new ProbeFailure('auth-mechanism-unsupported', {
      detail: `the server offers AUTH ${offered.join(' ')}`,
    });
  }
  const answer = await authenticate(channel, credentials, mechanism);
  const user = credentials.type === 'oauth2' ? credentials.user : credentials.username;
  const said = answer.serverError ? `; the server said ${answer.serverError}` : '';
  const detail = `${mechanism} as ${user}${said}`;
  if (answer.reply.code === 235) return { value: undefined, reply: answer.reply.text, detail };
  throw replyFailure(answer.reply, authIssue(answer.reply.code, ctx), detail);
}

function authIssue(code: number, ctx: ProbeContext): ProbeIssue {
  if (code === 535) return 'auth-failed';
  if (code === 534) return 'auth-mechanism-unsupported';
  if ((code === 530 || code === 538) && ctx.target.security === 'none') return 'auth-needs-tls';
  if (code >= 400 && code < 500) return 'auth-temporary';
  return 'auth-refused';
}
