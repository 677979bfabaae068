/**
 * The `tls` step: with `ssl` the handshake comes first and the greeting after it (the greeting is
 * this step's reply); with `tls` the server must list STARTTLS after a first EHLO, or the probe stops
 * here (mail is never sent in the clear under `tls`). The certificate verdict is always reported:
 * with `verifyCertificate` a problem stops the probe before anything else is said to the server;
 * without it the step passes with the verdict as a warning. Absent with security `none`.
 */
import net, { type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { assessCertificate, checkCaCertificate, describeCertificate } from '../certificate.js';
import type { ProbeContext, ProbeSession } from '../context.js';
import type { ProbeIssue } from '../explanations.js';
import { ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';
import { SmtpChannel } from '../smtp-channel.js';
import { handshakeTls } from '../sockets.js';
import type { CertificateReport, CertificateVerdict } from '../types.js';
import { currentChannel, ehloName, listCapabilities, sayEhlo } from './ehlo.js';
import { readGreeting, replyFailure } from './replies.js';

const certificateIssues: Record<Exclude<CertificateVerdict, 'valid'>, ProbeIssue> = {
  expired: 'certificate-expired',
  'not-yet-valid': 'certificate-not-yet-valid',
  'wrong-name': 'certificate-wrong-name',
  'self-signed': 'certificate-self-signed',
  untrusted: 'certificate-untrusted',
};

interface Checked {
  report: CertificateReport;
  detail: string;
  warnings: ProbeIssue[];
}

export async function tlsStep(
  ctx: ProbeContext,
  session: ProbeSession,
  socket: Socket,
): Promise<StepOutcome<void>> {
  if (ctx.target.caCertificate) checkCaCertificate(ctx.target.caCertificate);
  return ctx.target.security === 'ssl' ? implicitTls(ctx, session, socket) : startTls(ctx, session);
}

async function implicitTls(
  ctx: ProbeContext,
  session: ProbeSession,
  socket: Socket,
): Promise<StepOutcome<void>> {
  const secure = await handshake(ctx, session, socket);
  const checked = checkCertificate(ctx, secure);
  const channel = new SmtpChannel(secure, ctx.timeoutMs);
  session.channel = channel;
  try {
    const greeting = await readGreeting(channel);
    return passed(checked, greeting.text);
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    const detail = `${checked.detail}; ${error.info.detail ?? 'no greeting'}`;
    throw new ProbeFailure(error.issue, { ...error.info, detail, certificate: checked.report });
  }
}

async function startTls(ctx: ProbeContext, session: ProbeSession): Promise<StepOutcome<void>> {
  const channel = currentChannel(session);
  const answer = await sayEhlo(channel, ehloName(ctx, channel));
  if (!answer.capabilities.has('STARTTLS')) {
    const detail = `capabilities: ${listCapabilities(answer.capabilities)}`;
    throw new ProbeFailure('starttls-not-offered', { reply: answer.reply.text, detail });
  }
  const reply = await channel.command('STARTTLS');
  if (reply.code !== 220) throw replyFailure(reply, 'starttls-refused');
  const secure = await handshake(ctx, session, channel.detach());
  const checked = checkCertificate(ctx, secure);
  session.channel = new SmtpChannel(secure, ctx.timeoutMs);
  return passed(checked, reply.text);
}

async function handshake(ctx: ProbeContext, session: ProbeSession, socket: Socket): Promise<TLSSocket> {
  const { host, caCertificate } = ctx.target;
  const servername = net.isIP(host) ? undefined : host;
  const secure = await handshakeTls(socket, { servername, caCertificate, timeoutMs: ctx.timeoutMs });
  session.sockets.push(secure);
  return secure;
}

function checkCertificate(ctx: ProbeContext, secure: TLSSocket): Checked {
  const report = assessCertificate(secure, ctx.target.host, ctx.now());
  const cipher = secure.getCipher();
  const detail = `${secure.getProtocol() ?? 'TLS'} ${cipher.name}; ${describeCertificate(report)}`;
  const problem = report.verdict === 'valid' ? undefined : certificateIssues[report.verdict];
  if (!ctx.target.verifyCertificate) {
    return { report, detail, warnings: problem ? ['verification-off', problem] : ['verification-off'] };
  }
  if (problem) {
    secure.destroy();
    throw new ProbeFailure(problem, { detail, certificate: report });
  }
  return { report, detail, warnings: [] };
}

function passed(checked: Checked, reply: string): StepOutcome<void> {
  return {
    value: undefined,
    reply,
    detail: checked.detail,
    certificate: checked.report,
    warnings: checked.warnings,
  };
}
