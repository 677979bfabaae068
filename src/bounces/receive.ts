/**
 * One message received by the bounce listener: parsed once, then, for each envelope recipient,
 * matched to a delivery and recorded (`match.ts` says which return path may speak for which
 * delivery). Forged tokens, addresses that are no return path, reports naming no delivery, reports
 * matched by header to a delivery that was not sent with the catch-all or to another recipient,
 * unknown deliveries and auto-replies change nothing and are logged with a stable event code; so does
 * a message that cannot be read at all (accepted, so that its sender does not retry it forever).
 */
import type { AppContext } from '../context.js';
import { verpKey } from '../delivery/derived-keys.js';
import { matchDelivery } from './match.js';
import { parseBounce } from './parse.js';
import { type RecordResult, recordReport } from './record.js';

export interface Received {
  rcptTo: string;
  result: RecordResult | { outcome: 'forged-token' | 'no-delivery-named' | 'not-a-return-path' };
}

const rejectedMessage = {
  'forged-token': 'ignored a bounce with a forged VERP token',
  'no-delivery-named': 'ignored a report naming no delivery',
  'not-a-return-path': 'ignored a report to an address that is no return path',
  'wrong-return-path': 'ignored a report at the catch-all for a delivery not sent with it',
  'recipient-mismatch': "ignored a report at the catch-all that does not name the delivery's recipient",
} as const;

export async function receiveBounce(
  ctx: AppContext,
  raw: Buffer,
  rcptTo: readonly string[],
  remoteAddress: string,
): Promise<Received[]> {
  const report = await parseBounce(raw).catch((err: unknown) => {
    ctx.log.warn({ err, event: 'bounce.unparseable', remoteAddress }, 'could not read a returned message');
    return undefined;
  });
  if (!report) return [];
  const out: Received[] = [];
  for (const rcpt of new Set(rcptTo.map((a) => a.toLowerCase()))) {
    const match = matchDelivery(rcpt, report, verpKey(ctx));
    if ('rejected' in match) {
      ctx.log.warn(
        {
          event: `bounce.${match.rejected.replace(/-/g, '_')}`,
          rcptTo: rcpt,
          remoteAddress,
          kind: report.kind,
        },
        rejectedMessage[match.rejected],
      );
      out.push({ rcptTo: rcpt, result: { outcome: match.rejected } });
      continue;
    }
    const byHeader = match.via === 'header' ? { kinds: ['catchall'] as const } : undefined;
    const result = await recordReport(ctx, match.deliveryId, report, 'listener', byHeader);
    if (result.outcome === 'unknown-delivery')
      ctx.log.warn(
        { event: 'bounce.unknown_delivery', rcptTo: rcpt, via: match.via, remoteAddress },
        'ignored a report for an unknown delivery',
      );
    if (result.outcome === 'wrong-return-path' || result.outcome === 'recipient-mismatch')
      ctx.log.warn(
        {
          event: `bounce.${result.outcome.replace(/-/g, '_')}`,
          rcptTo: rcpt,
          deliveryId: match.deliveryId,
          remoteAddress,
          kind: report.kind,
        },
        rejectedMessage[result.outcome],
      );
    out.push({ rcptTo: rcpt, result });
  }
  return out;
}
