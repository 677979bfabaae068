/** Signature checks shared by the providers: constant-time comparison and timestamp freshness. */
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../domain/errors.js';

/** Signed timestamps older or newer than this are refused (replays). */
export const MAX_SKEW_MS = 15 * 60_000;

export const badSignature = (what: string) => new AppError('unauthorized', `${what}; nothing was recorded`);

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkFresh(timestampSeconds: string | undefined, now: number): void {
  const t = Number(timestampSeconds) * 1000;
  if (!Number.isFinite(t) || Math.abs(now - t) > MAX_SKEW_MS)
    throw badSignature('the signed timestamp is missing or stale');
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError('bad_request', 'the request body is not valid JSON');
  }
}
