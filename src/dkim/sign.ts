/**
 * DKIM signing with mailauth (RSA and Ed25519; nodemailer's own signer is RSA-only and silently
 * skips Ed25519), in a pool of worker threads. Returns the message with its DKIM-Signature header
 * in front.
 */
import type { DkimAlgorithm } from './keys.js';
import { SignerPool } from './signer-pool.js';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeyPem: string;
}

export class DkimSignError extends Error {
  override name = 'DkimSignError';
}

let pool: SignerPool | undefined;

export async function signMessage(raw: Buffer, key: SigningKey, now: Date): Promise<Buffer> {
  pool ??= new SignerPool();
  const result = await pool.sign(raw, {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKeyPem,
    algorithm: key.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
    signTime: now.getTime(),
  });
  if (result.errors.length > 0 || !result.signatures) {
    throw new DkimSignError(
      `DKIM signing for ${key.domain} failed: ${result.errors.join('; ') || 'no signature'}`,
    );
  }
  return Buffer.concat([Buffer.from(result.signatures), raw]);
}
