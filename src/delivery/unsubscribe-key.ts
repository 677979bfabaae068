/** The HMAC key of one-click unsubscribe tokens, derived from the master key like the VERP key. */
import type { AppContext } from '../context.js';

const keys = new WeakMap<AppContext, Buffer>();

export function unsubscribeKey(ctx: AppContext): Buffer {
  let k = keys.get(ctx);
  if (!k) {
    k = ctx.secrets.derive('unsubscribe');
    keys.set(ctx, k);
  }
  return k;
}
