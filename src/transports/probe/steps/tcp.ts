/**
 * The `tcp` step: a connection to the first address that answers (at most three are tried), from the
 * egress address when one is set. In the plain-text modes (`tls`, `none`) the server greets right
 * away, so its greeting is read here and shown as this step's reply; with `ssl` it comes after TLS.
 */
import type { Socket } from 'node:net';
import type { ProbeContext, ProbeSession } from '../context.js';
import { ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';
import { SmtpChannel } from '../smtp-channel.js';
import { connectTcp } from '../sockets.js';
import { readGreeting } from './replies.js';

const MAX_ADDRESSES = 3;

export async function tcpStep(
  ctx: ProbeContext,
  session: ProbeSession,
  addresses: string[],
): Promise<StepOutcome<Socket>> {
  const socket = await connectFirst(ctx, addresses);
  session.sockets.push(socket);
  const remote = endpoint(socket.remoteAddress, socket.remotePort);
  const local = endpoint(socket.localAddress, socket.localPort);
  const detail = `connected to ${remote} from ${local}`;
  const summary = { code: 'tcp-connected' as const, params: { remote, local } };
  if (ctx.target.security === 'ssl') return { value: socket, detail, summary };
  const channel = new SmtpChannel(socket, ctx.timeoutMs);
  session.channel = channel;
  try {
    const greeting = await readGreeting(channel);
    return { value: socket, detail, summary, reply: greeting.text };
  } catch (error) {
    if (error instanceof ProbeFailure) {
      throw new ProbeFailure(error.issue, { ...error.info, detail: joinDetail(detail, error.info.detail) });
    }
    throw error;
  }
}

async function connectFirst(ctx: ProbeContext, addresses: string[]): Promise<Socket> {
  const { port, localAddress } = ctx.target;
  const tried: string[] = [];
  let last: ProbeFailure | undefined;
  for (const address of addresses.slice(0, MAX_ADDRESSES)) {
    try {
      return await connectTcp({ address, port, localAddress, timeoutMs: ctx.timeoutMs });
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      last = error;
      tried.push(`${endpoint(address, port)}: ${error.info.detail ?? error.issue}`);
    }
  }
  throw new ProbeFailure(last?.issue ?? 'unreachable', { detail: tried.join('; ') });
}

function endpoint(address: string | undefined, port: number | undefined): string {
  const host = address?.includes(':') ? `[${address}]` : (address ?? '?');
  return `${host}:${port ?? '?'}`;
}

function joinDetail(first: string, second: string | undefined): string {
  return second ? `${first}; ${second}` : first;
}
