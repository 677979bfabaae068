/**
 * Envelope encryption of secret fields (relay passwords, OAuth tokens, DKIM private keys).
 * Each value gets its own random data key; the data key is wrapped with the master key; both
 * layers are AES-256-GCM. The value is bound to its context (e.g. `relay:<id>:password`) as
 * additional authenticated data, so a ciphertext cannot be moved to another field or record.
 *
 * Format: `mr1.<key id>.<base64url(iv1 | tag1 | wrapped key | iv2 | tag2 | ciphertext)>`.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'mr1';
const IV = 12;
const TAG = 16;
const KEY = 32;

export class SecretError extends Error {
  override name = 'SecretError';
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const iv = sealed.subarray(0, IV);
  const tag = sealed.subarray(IV, IV + TAG);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
}

export interface Secrets {
  encrypt(plaintext: string, context: string): string;
  decrypt(sealed: string, context: string): string;
  /** A 32-byte key for another purpose (e.g. `verp`), derived from the master key with HKDF. */
  derive(purpose: string): Buffer;
  readonly keyId: string;
}

export function createSecrets(masterKey: Buffer): Secrets {
  if (masterKey.length !== KEY) throw new SecretError('the master key must be 32 bytes');
  const keyId = createHash('sha256').update(masterKey).digest('base64url').slice(0, 8);
  const wrapAad = Buffer.from(`${VERSION}:data-key`);
  return {
    keyId,
    encrypt(plaintext, context) {
      const dataKey = randomBytes(KEY);
      const wrapped = seal(masterKey, dataKey, wrapAad);
      const body = seal(dataKey, Buffer.from(plaintext, 'utf8'), Buffer.from(context));
      return `${VERSION}.${keyId}.${Buffer.concat([wrapped, body]).toString('base64url')}`;
    },
    derive(purpose) {
      return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `mailroute:${purpose}`, KEY));
    },
    decrypt(sealed, context) {
      const [version, kid, payload] = sealed.split('.');
      if (version !== VERSION || !kid || !payload) throw new SecretError('not an encrypted secret');
      if (kid !== keyId)
        throw new SecretError(`encrypted with another master key (key id ${kid}, have ${keyId})`);
      const raw = Buffer.from(payload, 'base64url');
      const wrappedLen = IV + TAG + KEY;
      try {
        const dataKey = open(masterKey, raw.subarray(0, wrappedLen), wrapAad);
        return open(dataKey, raw.subarray(wrappedLen), Buffer.from(context)).toString('utf8');
      } catch {
        throw new SecretError(`secret for ${context} failed authentication (tampered or wrong context)`);
      }
    },
  };
}
