/**
 * Bearer secrets (API keys, session tokens): 32 random bytes, shown once, stored only as a
 * SHA-256 hash. A high-entropy secret needs no slow KDF; the hash makes a stolen table useless.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newToken(prefix: 'mr' | 'ses'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The part of a key that may be shown again to tell keys apart, e.g. `mr_Ab3x…`. */
export function tokenPrefix(token: string): string {
  return `${token.slice(0, 8)}…`;
}
