/**
 * Which delivery a returned report concerns (SPEC R17, R18), and whether the address it came back to
 * may speak for that delivery:
 * - a VERP return path `bounces+<token>@<bounce domain>`: the token names the delivery and its HMAC
 *   must verify (a wrong one is forged: nothing changes). The token is its own proof.
 * - the catch-all `catchall@<bounce domain>`: the returned message's `X-Mailroute-Delivery` header,
 *   else its `Message-ID` `<dlv_…@from-domain>`. Anyone who received the mail can quote those, so
 *   such a match holds only for a delivery that was sent with the catch-all as its return path (a
 *   delivery sent with VERP takes bounces at its VERP address only), and only for a report that
 *   names the delivery's own recipient (`headerMatchRefusal`).
 * - any other address at a bounce domain is no return path of mailroute's: it names no delivery.
 * A bounce mailbox (IMAP) matches by header too, under the same two conditions for its own kind of
 * return path.
 */

import type { BounceReport } from '../domain/bounce-report.js';
import type { ReturnPathKind } from '../domain/return-path.js';
import { parseVerp } from '../domain/verp.js';

export type Match =
  | { deliveryId: string; via: 'verp' | 'header' }
  | { rejected: 'forged-token' | 'no-delivery-named' | 'not-a-return-path' };

/** Why a delivery named by returned headers does not take the report. */
export type HeaderMatchRefusal = 'wrong-return-path' | 'recipient-mismatch';

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
  if (local !== 'catchall') return { rejected: 'not-a-return-path' };
  const deliveryId = deliveryInHeaders(report.originalHeaders);
  return deliveryId ? { deliveryId, via: 'header' } : { rejected: 'no-delivery-named' };
}

/**
 * Whether a delivery matched by returned headers takes the report: it must have been sent with one
 * of the return paths `arrivedAt` stands for, and the report must name its recipient (as
 * `Final-Recipient` or `Original-Recipient`, in any case). A report that names no recipient at all
 * cannot show that it concerns this delivery, and is refused like a wrong one.
 */
export function headerMatchRefusal(
  d: { recipient: string; return_path_kind: ReturnPathKind | null },
  arrivedAt: readonly ReturnPathKind[],
  report: BounceReport,
): HeaderMatchRefusal | undefined {
  if (!d.return_path_kind || !arrivedAt.includes(d.return_path_kind)) return 'wrong-return-path';
  const want = d.recipient.toLowerCase();
  const named = report.recipients.some(
    (r) => r.address.toLowerCase() === want || r.originalRecipient?.toLowerCase() === want,
  );
  return named ? undefined : 'recipient-mismatch';
}
