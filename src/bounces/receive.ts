/**
 * One message received by the bounce listener: parsed once, then, for each envelope recipient,
 * matched to a delivery and recorded. Forged tokens, reports naming no delivery, unknown deliveries
 * and auto-replies change nothing and are logged with a stable event code; so does a message that
 * cannot be read at all (accepted, so that its sender does not retry it forever).
 */
import type { AppContext } from '../context.js';
import { verpKey } from '../delivery/verp-key.js';
import { matchDelivery } from './match.js';
import { parseBounce } from './parse.js';
import { type RecordResult, recordReport } from './record.js';

export interface Received {
  rcptTo: string;
  result: RecordResult | { outcome: 'forged-token' | 'no-delivery-named' };
}

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
        match.rejected === 'forged-token'
          ? 'ignored a bounce with a forged VERP token'
          : 'ignored a report naming no delivery',
      );
      out.push({ rcptTo: rcpt, result: { outcome: match.rejected } });
      continue;
    }
    const result = await recordReport(ctx, match.deliveryId, report, 'listener');
    if (result.outcome === 'unknown-delivery')
      ctx.log.warn(
        { event: 'bounce.unknown_delivery', rcptTo: rcpt, via: match.via, remoteAddress },
        'ignored a report for an unknown delivery',
      );
    out.push({ rcptTo: rcpt, result });
  }
  return out;
}
