/** The HMAC key of VERP tokens, derived from the master key so every node agrees without storing it. */
import type { AppContext } from '../context.js';

const keys = new WeakMap<AppContext, Buffer>();

export function verpKey(ctx: AppContext): Buffer {
  let k = keys.get(ctx);
  if (!k) {
    k = ctx.secrets.derive('verp');
    keys.set(ctx, k);
  }
  return k;
}
