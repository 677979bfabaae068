/**
 * HMAC keys derived from the master key, so every node agrees without storing them: one for VERP
 * return paths, one for one-click unsubscribe tokens. Each is derived once per process context.
 */
import type { AppContext } from '../context.js';

type Purpose = 'verp' | 'unsubscribe';

const keys = new WeakMap<AppContext, Map<Purpose, Buffer>>();

function derivedKey(ctx: AppContext, purpose: Purpose): Buffer {
  let byPurpose = keys.get(ctx);
  if (!byPurpose) {
    byPurpose = new Map();
    keys.set(ctx, byPurpose);
  }
  let k = byPurpose.get(purpose);
  if (!k) {
    k = ctx.secrets.derive(purpose);
    byPurpose.set(purpose, k);
  }
  return k;
}

/** The key of VERP tokens in return paths. */
export const verpKey = (ctx: AppContext): Buffer => derivedKey(ctx, 'verp');

/** The key of one-click unsubscribe tokens. */
export const unsubscribeKey = (ctx: AppContext): Buffer => derivedKey(ctx, 'unsubscribe');
