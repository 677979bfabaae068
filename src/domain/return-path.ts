/**
 * The envelope sender of a delivery (SPEC R17). Platform delivery always uses VERP so the platform
 * sees its bounces. Through a relay it follows the relay's bounce handling: VERP at the data
 * center's bounce domain (or its catch-all where the relay allows one return path only), the From
 * address, or a fixed address on the relay's domain.
 *
 * The kind of return path a delivery was sent with is recorded on it (`deliveries.return_path_kind`)
 * because it decides which bounces may name the delivery: a VERP address carries its own proof (an
 * HMAC), while the catch-all and a fixed address can only be matched by the returned headers, which
 * anyone who received the mail can quote. The relay's bounce handling may change after the mail left.
 */
import type { BounceHandling } from './bounce-handling.js';
import { catchAllAddress, verpAddress } from './verp.js';

export const returnPathKinds = ['verp', 'catchall', 'from', 'address'] as const;
export type ReturnPathKind = (typeof returnPathKinds)[number];

export type ReturnPathRoute = 'platform' | { bounceHandling: BounceHandling };

export interface ReturnPathInput {
  route: ReturnPathRoute;
  deliveryId: string;
  from: string;
  bounceDomain: string;
  verpKey: Buffer;
}

export function returnPathKind(route: ReturnPathRoute): ReturnPathKind {
  if (route === 'platform') return 'verp';
  const b = route.bounceHandling;
  if (b.mode === 'from') return 'from';
  if (b.mode === 'address') return 'address';
  return b.fixedReturnPath ? 'catchall' : 'verp';
}

export function returnPath(i: ReturnPathInput): string {
  if (i.route !== 'platform') {
    const b = i.route.bounceHandling;
    if (b.mode === 'from') return i.from;
    if (b.mode === 'address') return b.address;
  }
  return returnPathKind(i.route) === 'catchall'
    ? catchAllAddress(i.bounceDomain)
    : verpAddress(i.deliveryId, i.bounceDomain, i.verpKey);
}
