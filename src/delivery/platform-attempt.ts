/**
 * One attempt through platform delivery: the smarthost, or each MX host of the recipient's domain
 * in turn until one answers (a connection-level failure moves on to the next host), with the reply
 * classified on the `platform` path, which is final. MX addresses the host policy refuses are never
 * tried; when it refuses them all, the delivery fails permanently (5.4.4, rule `mx.address-refused`).
 * The recipient domain's DNS decides before any server: a domain that does not exist or names no
 * reachable host bounces (5.1.2), one with a null MX too (5.1.10); a lookup that fails defers.
 */
import type { AppContext } from '../context.js';
import { DnsError } from '../dns/resolver.js';
import type { Answered } from '../domain/smtp-bounce.js';
import { type Classification, classifyReply, fromNodemailerError } from '../domain/smtp-reply.js';
import { mtaStsPolicy } from '../transports/mta-sts.js';
import { type PlatformTarget, platformTargets } from '../transports/platform-transport.js';
import type { SendPools } from '../transports/smtp-pools.js';
import { tlsColumns } from './attempt-tls.js';
import { mtaStsMismatch, stsRefusedLog } from './mta-sts-attempt.js';
import { type AttemptResult, answeredStep, replyText } from './outcome.js';
import type { Prepared } from './prepare.js';

/** A platform attempt that did not send; the platform is the last route, so nothing falls back. */
function failure(
  c: Classification,
  reply: string,
  host: string | null,
  ms: number,
  now: number,
  answered?: Answered,
): AttemptResult {
  return {
    sent: false,
    classification: c,
    reply,
    ...(answered ? { answered } : {}),
    record: {
      at: now,
      route: 'platform',
      relay_id: null,
      host,
      action: c.action === 'fallback' ? 'defer' : c.action,
      status: c.status,
      reply,
      rule_id: c.ruleId,
      duration_ms: ms,
    },
  };
}

export async function attemptPlatform(
  ctx: AppContext,
  pools: SendPools,
  prepared: Prepared,
  recipient: string,
  recipientDomain: string,
  localAddress: string | undefined,
): Promise<AttemptResult> {
  const now = ctx.clock.now();
  let targets: PlatformTarget[];
  let refused: string[];
  let nullMx: boolean | undefined;
  let stsRefused: string[] | undefined;
  // The recipient domain's MTA-STS policy (issue 21), for direct delivery only.
  const sts =
    ctx.config.platformSmtp.kind === 'direct' ? await mtaStsPolicy(ctx, recipientDomain) : undefined;
  try {
    ({ targets, refused, nullMx, stsRefused } = await platformTargets(
      ctx.config,
      ctx.dns,
      recipientDomain,
      localAddress,
      sts,
    ));
  } catch (err) {
    // The lookup failed (SERVFAIL, timeout): nothing is known about the domain yet, so it defers.
    const c = classifyReply({
      path: 'platform',
      command: 'connect',
      errorKind: 'EDNS',
      errorCause: err instanceof DnsError ? err.code : 'ETIMEOUT',
      text: (err as Error).message,
    });
    return failure(c, (err as Error).message, null, 0, now);
  }
  if (nullMx) {
    // RFC 7505: the domain says it accepts no mail. A bounce, as the domain's DNS answered it.
    const text = `556 5.1.10 ${recipientDomain} accepts no mail (null MX)`;
    const c = classifyReply({ path: 'platform', command: 'rcpt', code: 556, enhanced: '5.1.10', text });
    return failure(c, text, null, 0, now, 'dns');
  }
  if (sts && stsRefused) stsRefusedLog(ctx, recipientDomain, sts, stsRefused);
  if (sts?.mode === 'enforce' && targets.length === 0 && refused.length === 0 && stsRefused) {
    const { c, text } = mtaStsMismatch(recipientDomain, stsRefused);
    return failure(c, text, null, 0, now);
  }
  if (targets.length === 0 && refused.length > 0) {
    // Every MX address is one the host policy refuses. A permanent failure, not a deferral: the
    // refusal follows from the operator's standing policy and the recipient domain's published
    // DNS, so retrying for the whole queue lifetime would only repeat it (and keep looking up a
    // name someone may have pointed inside the network on purpose); the sender learns at once and
    // may send again once the domain's MX is public. Such a failure never suppresses the recipient.
    const text = `550 5.4.4 no allowed MX address for ${recipientDomain}: ${refused.join(', ')} refused by the host policy (MAILROUTE_RELAY_HOSTS=${ctx.config.relayHosts})`;
    const c = classifyReply({ path: 'platform', command: 'connect', errorKind: 'EPOLICY', text });
    return failure(c, text, null, 0, now);
  }
  if (targets.length === 0) {
    // The domain does not exist (NXDOMAIN) or names no host with an address: a bounce, as the
    // domain's DNS answered it.
    const text = `550 5.1.2 no mail server found for ${recipientDomain}`;
    const c = classifyReply({ path: 'platform', command: 'rcpt', code: 550, enhanced: '5.1.2', text });
    return failure(c, text, null, 0, now, 'dns');
  }
  let last: AttemptResult | undefined;
  for (const t of targets) {
    const out = await pools.send(
      t.key,
      t.options,
      prepared.raw,
      { from: prepared.envelopeFrom, to: recipient },
      prepared.messageId,
    );
    const host = `${t.options.host}:${t.options.port}`;
    if (out.ok) {
      return {
        sent: true,
        reply: out.response ?? '',
        record: {
          at: now,
          route: 'platform',
          relay_id: null,
          host,
          action: 'sent',
          status: '2.0.0',
          reply: out.response ?? '',
          rule_id: null,
          duration_ms: out.ms,
          ...tlsColumns(out.tls),
        },
      };
    }
    const input = fromNodemailerError(out.error, 'platform');
    const c = classifyReply(input);
    last = failure(c, replyText(out.error), host, out.ms, now, answeredStep(input));
    last.record = { ...last.record, ...tlsColumns(out.tls) };
    if (c.scope !== 'connection') break;
  }
  return last!;
}
