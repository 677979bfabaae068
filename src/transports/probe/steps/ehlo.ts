/**
 * The `ehlo` step: EHLO (falling back to HELO when a server does not know it) and the capabilities
 * the server lists, shown in the detail. With security `none` a server offering STARTTLS earns a
 * warning. `sayEhlo` also serves the TLS step, which must see STARTTLS offered before using it.
 */
import type { Capabilities, ProbeContext, ProbeSession } from '../context.js';
import type { ProbeIssue } from '../explanations.js';
import { ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';
import type { SmtpChannel, SmtpReply } from '../smtp-channel.js';
import { replyFailure } from './replies.js';

export interface EhloAnswer {
  reply: SmtpReply;
  capabilities: Capabilities;
  /** True when the server refused EHLO and accepted HELO (no extensions then). */
  helo: boolean;
}

export async function ehloStep(ctx: ProbeContext, session: ProbeSession): Promise<StepOutcome<void>> {
  const channel = currentChannel(session);
  const name = ehloName(ctx, channel);
  const answer = await sayEhlo(channel, name);
  session.capabilities = answer.capabilities;
  const warnings: ProbeIssue[] =
    ctx.target.security === 'none' && answer.capabilities.has('STARTTLS') ? ['starttls-available'] : [];
  const greeting = answer.helo ? `EHLO refused, HELO ${name} accepted` : `EHLO ${name}`;
  return {
    value: undefined,
    reply: answer.reply.text,
    detail: `${greeting}; capabilities: ${listCapabilities(answer.capabilities)}`,
    warnings,
  };
}

export async function sayEhlo(channel: SmtpChannel, name: string): Promise<EhloAnswer> {
  const reply = await channel.command(`EHLO ${name}`);
  if (reply.code === 250) return { reply, capabilities: parseCapabilities(reply), helo: false };
  if (reply.code < 500 || reply.code > 504) throw replyFailure(reply, 'ehlo-refused');
  const helo = await channel.command(`HELO ${name}`);
  if (helo.code !== 250) throw replyFailure(helo, 'ehlo-refused');
  return { reply: helo, capabilities: new Map(), helo: true };
}

export function ehloName(ctx: ProbeContext, channel: SmtpChannel): string {
  if (ctx.target.ehloName) return ctx.target.ehloName;
  const local = channel.socket.localAddress ?? '127.0.0.1';
  return local.includes(':') ? `[IPv6:${local}]` : `[${local}]`;
}

export function parseCapabilities(reply: SmtpReply): Capabilities {
  const capabilities: Capabilities = new Map();
  for (const line of reply.lines.slice(1)) {
    const [keyword = '', ...params] = line.trim().split(/\s+/);
    const legacyAuth = /^AUTH=(.*)$/i.exec(keyword);
    const key = legacyAuth ? 'AUTH' : keyword.toUpperCase();
    const values = legacyAuth?.[1] ? [legacyAuth[1], ...params] : params;
    if (key) capabilities.set(key, [...(capabilities.get(key) ?? []), ...values]);
  }
  return capabilities;
}

export function listCapabilities(capabilities: Capabilities): string {
  if (capabilities.size === 0) return 'none';
  return [...capabilities].map(([key, params]) => [key, ...new Set(params)].join(' ')).join(', ');
}

export function currentChannel(session: ProbeSession): SmtpChannel {
  if (!session.channel?.open) throw new ProbeFailure('connection-closed', { detail: 'no open connection' });
  return session.channel;
}
