/**
 * `probeRelay`: the relay "test connection" (SPEC R5). Walks DNS → TCP → TLS → EHLO → AUTH →
 * MAIL FROM, then RSET and QUIT; never RCPT TO or DATA, so no mail is sent. Each step is timed and
 * bounded by `timeoutMs`; the first failure ends the probe and later steps are absent. Step `tls` is
 * absent for security `none`, step `auth` for authentication `none`. Network trouble never throws:
 * it is a failed step with an explanation. Only an invalid target (a port out of range, a line
 * break in a value sent on the wire) rejects, with a RangeError.
 */
import type { Socket } from 'node:net';
import { DEFAULT_STEP_TIMEOUT_MS, type ProbeContext, type ProbeSession } from './context.js';
import { ProbeStopped, StepRunner } from './run-step.js';
import { authStep } from './steps/auth.js';
import { dnsStep } from './steps/dns.js';
import { ehloStep } from './steps/ehlo.js';
import { mailStep } from './steps/mail.js';
import { tcpStep } from './steps/tcp.js';
import { tlsStep } from './steps/tls.js';
import type { ProbeDeps, ProbeResult, ProbeTarget } from './types.js';

const QUIT_TIMEOUT_MS = 2_000;

export async function probeRelay(target: ProbeTarget, deps: ProbeDeps): Promise<ProbeResult> {
  assertProbeTarget(target);
  const now = deps.now ?? Date.now;
  const ctx: ProbeContext = { target, deps, now, timeoutMs: target.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS };
  const runner = new StepRunner(now);
  const session: ProbeSession = { sockets: [], capabilities: new Map() };
  try {
    await walk(ctx, session, runner);
  } catch (error) {
    if (!(error instanceof ProbeStopped)) throw error;
  } finally {
    await hangUp(session, Math.min(ctx.timeoutMs, QUIT_TIMEOUT_MS));
  }
  return runner.result();
}

async function walk(ctx: ProbeContext, session: ProbeSession, runner: StepRunner): Promise<void> {
  const { security, auth } = ctx.target;
  const addresses = await runner.run('dns', () => dnsStep(ctx));
  const socket: Socket = await runner.run('tcp', () => tcpStep(ctx, session, addresses));
  if (security !== 'none') await runner.run('tls', () => tlsStep(ctx, session, socket));
  await runner.run('ehlo', () => ehloStep(ctx, session));
  if (auth.type !== 'none') await runner.run('auth', () => authStep(ctx, session, auth));
  await runner.run('mail', () => mailStep(ctx, session));
}

/** QUIT when the conversation is still usable, then close every socket the probe opened. */
async function hangUp(session: ProbeSession, timeoutMs: number): Promise<void> {
  const channel = session.channel;
  if (channel?.open) {
    channel.socket.write('QUIT\r\n');
    await Promise.race([channel.read().catch(() => undefined), delay(timeoutMs)]);
  }
  for (const socket of session.sockets) socket.destroy();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

const lineBreak = /[\r\n\0]/;

function assertProbeTarget(target: ProbeTarget): void {
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw new RangeError(`port must be an integer from 1 to 65535, not ${target.port}`);
  }
  if (!target.host || /[\s\0/]/.test(target.host)) {
    throw new RangeError('host must be a host name or IP address');
  }
  if (lineBreak.test(target.mailFrom) || /[<>]/.test(target.mailFrom)) {
    throw new RangeError('mailFrom must be a bare address, without angle brackets or line breaks');
  }
  if (target.ehloName !== undefined && /[\s\0]/.test(target.ehloName)) {
    throw new RangeError('ehloName must be one word');
  }
  if (target.timeoutMs !== undefined && !(target.timeoutMs > 0)) {
    throw new RangeError('timeoutMs must be positive');
  }
}
