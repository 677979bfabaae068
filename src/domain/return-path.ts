/**
 * The envelope sender of a delivery (SPEC R17). Platform delivery always uses VERP so the platform
 * sees its bounces. Through a relay it follows the relay's bounce handling: VERP at the data
 * center's bounce domain (or its catch-all where the relay allows one return path only), the From
 * address, or a fixed address on the relay's domain.
 */
import type { BounceHandling } from '../schemas/relays.js';
import { catchAllAddress, verpAddress } from './verp.js';

export interface ReturnPathInput {
  route: 'platform' | { bounceHandling: BounceHandling };
  deliveryId: string;
  from: string;
  bounceDomain: string;
  verpKey: Buffer;
}

export function returnPath(i: ReturnPathInput): string {
  if (i.route === 'platform') return verpAddress(i.deliveryId, i.bounceDomain, i.verpKey);
  const b = i.route.bounceHandling;
  if (b.mode === 'from') return i.from;
  if (b.mode === 'address') return b.address;
  return b.fixedReturnPath
    ? catchAllAddress(i.bounceDomain)
    : verpAddress(i.deliveryId, i.bounceDomain, i.verpKey);
}
