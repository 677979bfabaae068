/**
 * One attempt through one relay: credentials (stored password, or an OAuth access token refreshed
 * when due), the relay host resolved and checked against the operator's host policy, the message
 * signed when the relay signs, and the reply classified on the `relay` path.
 */
import type { AppContext } from '../context.js';
import { relayCredentials } from '../credentials/relay-credentials.js';
import { hostAddresses } from '../dns/host-addresses.js';
import { isIpLiteral, relayAddressAllowed } from '../domain/hosts.js';
import { type Classification, classifyNodemailerError, classifyReply } from '../domain/smtp-reply.js';
import type { RelaysTable } from '../store/schema.js';
import { type RelayAuth, relayPoolKey, relayPoolOptions } from '../transports/relay-transport.js';
import type { SmtpPools } from '../transports/smtp-pools.js';
import { type AttemptResult, replyText } from './outcome.js';
import type { Prepared } from './prepare.js';

/** The address to connect to: an IP literal as saved (checked then), else the first allowed one. */
async function relayAddress(ctx: AppContext, host: string): Promise<string | undefined> {
  const addresses = await hostAddresses(ctx.dns, host);
  if (isIpLiteral(host)) return addresses[0];
  return addresses.find((ip) => relayAddressAllowed(ip, ctx.config.relayHosts));
}

function failure(r: RelaysTable, c: Classification, reply: string, ms: number, now: number): AttemptResult {
  return {
    sent: false,
    classification: c,
    reply,
    record: {
      at: now,
      route: r.id,
      relay_id: r.id,
      host: `${r.host}:${r.port}`,
      action: c.action === 'defer' ? 'fallback' : c.action,
      status: c.status,
      reply,
      rule_id: c.ruleId,
      duration_ms: ms,
    },
  };
}

export async function attemptRelay(
  ctx: AppContext,
  pools: SmtpPools,
  r: RelaysTable,
  prepared: Prepared,
  recipient: string,
  localAddress: string | undefined,
): Promise<AttemptResult> {
  const now = ctx.clock.now();
  let auth: RelayAuth;
  let address: string | undefined;
  try {
    auth = await relayCredentials(ctx, r);
    address = await relayAddress(ctx, r.host);
  } catch (err) {
    const c = classifyReply({
      path: 'relay',
      command: 'auth',
      errorKind: 'EAUTH',
      text: (err as Error).message,
    });
    return failure(r, c, (err as Error).message, 0, now);
  }
  if (!address) {
    const c = classifyReply({
      path: 'relay',
      command: 'connect',
      errorKind: 'EDNS',
      errorCause: 'ENOTFOUND',
      text: `no usable address for ${r.host}`,
    });
    return failure(r, c, `no usable address for ${r.host}`, 0, now);
  }
  const options = relayPoolOptions(r, {
    address,
    localAddress,
    ehloName: ctx.config.ehloName,
    auth,
    timeoutMs: ctx.config.smtpTimeoutMs,
  });
  const out = await pools.send(
    relayPoolKey(r),
    options,
    prepared.raw,
    { from: prepared.envelopeFrom, to: recipient },
    prepared.messageId,
  );
  if (out.ok) {
    return {
      sent: true,
      reply: out.response ?? '',
      record: {
        at: now,
        route: r.id,
        relay_id: r.id,
        host: `${r.host}:${r.port}`,
        action: 'sent',
        status: '2.0.0',
        reply: out.response ?? '',
        rule_id: null,
        duration_ms: out.ms,
      },
    };
  }
  return failure(r, classifyNodemailerError(out.error, 'relay'), replyText(out.error), out.ms, now);
}
