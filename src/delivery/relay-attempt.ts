/**
 * One attempt through one relay: the relay host resolved and checked against the operator's host
 * policy (a name that does not resolve is a DNS failure, rule `dns.failed`), then credentials
 * (stored password, or an OAuth access token refreshed when due; a failure there is `auth.*`), the
 * message sent, and every outcome classified on the `relay` path by the one classifier
 * (`domain/smtp-reply.ts`).
 */
import type { AppContext } from '../context.js';
import { relayCredentials } from '../credentials/relay-credentials.js';
import { hostAddresses } from '../dns/host-addresses.js';
import { DnsError } from '../dns/resolver.js';
import { isIpLiteral, relayAddressAllowed } from '../domain/hosts.js';
import {
  type Classification,
  classifyReply,
  fromNodemailerError,
  type SmtpStep,
} from '../domain/smtp-reply.js';
import type { RelaysTable } from '../store/schema.js';
import {
  type RelayAuth,
  type RelayConnection,
  relayPoolKey,
  relayPoolOptions,
} from '../transports/relay-transport.js';
import type { PoolOptions, SendPools } from '../transports/smtp-pools.js';
import { tlsColumns } from './attempt-tls.js';
import { type AttemptResult, answeredStep, replyText } from './outcome.js';
import type { Prepared } from './prepare.js';

/** The address to connect to: an IP literal as saved (checked then), else the first allowed one. */
async function relayAddress(ctx: AppContext, host: string): Promise<string | undefined> {
  const addresses = await hostAddresses(ctx.dns, host);
  if (isIpLiteral(host)) return addresses[0];
  return addresses.find((ip) => relayAddressAllowed(ip, ctx.config.relayHosts));
}

function dnsCode(err: unknown): string {
  return err instanceof DnsError ? err.code : ((err as NodeJS.ErrnoException).code ?? 'EUNKNOWN');
}

/** The relay host did not resolve (no such name, SERVFAIL, timeout): a DNS failure, never EAUTH. */
function dnsFailure(host: string, err: unknown): Classification {
  return classifyReply({
    path: 'relay',
    command: 'connect',
    errorKind: 'EDNS',
    errorCause: dnsCode(err),
    text: `DNS lookup of ${host} failed`,
  });
}

function failure(
  r: RelaysTable,
  c: Classification,
  reply: string,
  ms: number,
  now: number,
  answered?: SmtpStep,
): AttemptResult {
  return {
    sent: false,
    classification: c,
    reply,
    ...(answered ? { answered } : {}),
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

/**
 * The pool options of a relay row, made once for the deliveries that share the row (those of one
 * claimed batch read it together, `relay-states.ts`) while the connection is the same: the pools
 * compare options by their identity first (`transports/smtp-pools.ts`).
 */
const optionsOfRow = new WeakMap<RelaysTable, { c: RelayConnection; options: PoolOptions }>();

const sameAuth = (a: RelayAuth, b: RelayAuth): boolean =>
  a.type === 'password' && b.type === 'password'
    ? a.username === b.username && a.password === b.password
    : a.type === 'oauth2' && b.type === 'oauth2'
      ? a.user === b.user && a.accessToken === b.accessToken
      : a.type === b.type;

function poolOptionsOf(r: RelaysTable, c: RelayConnection): PoolOptions {
  const hit = optionsOfRow.get(r);
  if (
    hit &&
    hit.c.address === c.address &&
    hit.c.localAddress === c.localAddress &&
    hit.c.ehloName === c.ehloName &&
    hit.c.timeoutMs === c.timeoutMs &&
    sameAuth(hit.c.auth, c.auth)
  )
    return hit.options;
  const options = relayPoolOptions(r, c);
  optionsOfRow.set(r, { c, options });
  return options;
}

export async function attemptRelay(
  ctx: AppContext,
  pools: SendPools,
  r: RelaysTable,
  prepared: Prepared,
  recipient: string,
  localAddress: string | undefined,
): Promise<AttemptResult> {
  const now = ctx.clock.now();
  let address: string | undefined;
  try {
    address = await relayAddress(ctx, r.host);
  } catch (err) {
    return failure(r, dnsFailure(r.host, err), `DNS lookup of ${r.host} failed: ${dnsCode(err)}`, 0, now);
  }
  if (!address) {
    const reply = `no usable address for ${r.host}`;
    return failure(r, dnsFailure(r.host, { code: 'ENOTFOUND' }), reply, 0, now);
  }
  let auth: RelayAuth;
  try {
    auth = await relayCredentials(ctx, r);
  } catch (err) {
    const c = classifyReply({
      path: 'relay',
      command: 'auth',
      errorKind: 'EAUTH',
      text: (err as Error).message,
    });
    return failure(r, c, (err as Error).message, 0, now);
  }
  const options = poolOptionsOf(r, {
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
        ...tlsColumns(out.tls),
      },
    };
  }
  const input = fromNodemailerError(out.error, 'relay');
  return failure(r, classifyReply(input), replyText(out.error), out.ms, now, answeredStep(input));
}
