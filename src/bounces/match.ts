/**
 * Which delivery a returned report concerns (SPEC R17): for a VERP return path, the token, whose
 * HMAC must verify (a wrong one is forged: nothing changes); for the catch-all (and any other
 * address at a bounce domain), the returned message's `X-Mailroute-Delivery` header, else its
 * `Message-ID` `<dlv_…@from-domain>`.
 */
import { parseVerp } from '../domain/verp.js';
import type { BounceReport } from './types.js';

export type Match =
  | { deliveryId: string; via: 'verp' | 'header' }
  | { rejected: 'forged-token' | 'no-delivery-named' };

const deliveryIdPattern = /^dlv_[a-z2-7]{26}$/;

/** The delivery named by returned headers: `X-Mailroute-Delivery`, else the `Message-ID`. */
export function deliveryInHeaders(headers: Record<string, string> | undefined): string | undefined {
  const named = headers?.['x-mailroute-delivery']?.trim().toLowerCase();
  if (named && deliveryIdPattern.test(named)) return named;
  const m = /^<?(dlv_[a-z2-7]{26})@/i.exec(headers?.['message-id']?.trim() ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

export function matchDelivery(rcptTo: string, report: BounceReport, verpKey: Buffer): Match {
  const local = rcptTo.slice(0, rcptTo.lastIndexOf('@')).toLowerCase();
  if (local.startsWith('bounces+')) {
    const deliveryId = parseVerp(rcptTo, verpKey);
    return deliveryId ? { deliveryId, via: 'verp' } : { rejected: 'forged-token' };
  }
  const deliveryId = deliveryInHeaders(report.originalHeaders);
  return deliveryId ? { deliveryId, via: 'header' } : { rejected: 'no-delivery-named' };
}
