/**
 * The `dns` step: the relay host's addresses through the injected resolver, bounded by the step
 * timeout. An IP address needs no lookup and passes as it is; every address must pass the
 * deployment's address policy.
 */
import net from 'node:net';
import type { ProbeContext } from '../context.js';
import { errorCode, errorMessage, ProbeFailure } from '../failure.js';
import type { StepOutcome } from '../run-step.js';

const notFoundCodes = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export async function dnsStep(ctx: ProbeContext): Promise<StepOutcome<string[]>> {
  const { host } = ctx.target;
  if (net.isIP(host)) {
    allowed(ctx, [host]);
    return {
      value: [host],
      detail: `${host} is an IP address: no lookup needed`,
      summary: { code: 'dns-ip', params: { host } },
    };
  }
  const addresses = (await lookup(ctx, host)).filter((a) => net.isIP(a) !== 0);
  if (addresses.length === 0) {
    throw new ProbeFailure('dns-not-found', { detail: `${host} has no IPv4 or IPv6 address` });
  }
  allowed(ctx, addresses);
  return {
    value: addresses,
    detail: `${host} → ${addresses.join(', ')}`,
    summary: { code: 'dns-resolved', params: { host, addresses: addresses.join(', ') } },
  };
}

async function lookup(ctx: ProbeContext, host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProbeFailure('dns-failed', { detail: `no answer within ${ctx.timeoutMs} ms` })),
      ctx.timeoutMs,
    );
  });
  try {
    return await Promise.race([ctx.deps.resolve(host), timeout]);
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    const code = errorCode(error);
    const issue = code && notFoundCodes.has(code) ? 'dns-not-found' : 'dns-failed';
    throw new ProbeFailure(issue, { detail: `${host}: ${errorMessage(error)}` });
  } finally {
    clearTimeout(timer);
  }
}

function allowed(ctx: ProbeContext, addresses: string[]): void {
  const refused = addresses.filter((a) => ctx.deps.allowAddress && !ctx.deps.allowAddress(a));
  if (refused.length > 0) {
    throw new ProbeFailure('address-not-allowed', { detail: `not allowed: ${refused.join(', ')}` });
  }
}
