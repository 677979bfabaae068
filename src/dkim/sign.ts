/**
 * DKIM signing with mailauth (RSA and Ed25519; nodemailer's own signer is RSA-only and silently
 * skips Ed25519). Returns the message with its DKIM-Signature header in front.
 */
import { dkimSign } from 'mailauth';
import type { DkimAlgorithm } from './keys.js';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKeyPem: string;
}

export class DkimSignError extends Error {
  override name = 'DkimSignError';
}

export async function signMessage(raw: Buffer, key: SigningKey, now: Date): Promise<Buffer> {
  const result = await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signTime: now,
    signatureData: [
      {
        signingDomain: key.domain,
        selector: key.selector,
        privateKey: key.privateKeyPem,
        algorithm: key.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
      },
    ],
  } as Parameters<typeof dkimSign>[1]);
  if (result.errors?.length || !result.signatures) {
    throw new DkimSignError(
      `DKIM signing for ${key.domain} failed: ${result.errors?.map((e: unknown) => String(e)).join('; ') || 'no signature'}`,
    );
  }
  return Buffer.concat([Buffer.from(result.signatures), raw]);
}
