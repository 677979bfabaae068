/**
 * DKIM keys: generation (RSA-2048 or Ed25519), selectors, and the TXT record to publish
 * (`<selector>._domainkey.<domain>`, `v=DKIM1; k=rsa|ed25519; p=…`). RSA publishes the SPKI DER
 * key; Ed25519 publishes the raw 32-byte key (RFC 8463).
 */
import { generateKeyPair, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';

export type DkimAlgorithm = 'rsa-2048' | 'ed25519';

export interface GeneratedKey {
  algorithm: DkimAlgorithm;
  /** The `p=` value of the DNS record. */
  publicKey: string;
  privateKeyPem: string;
}

function exported(algorithm: DkimAlgorithm, publicKey: KeyObject, privateKey: KeyObject): GeneratedKey {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    algorithm,
    publicKey: (algorithm === 'ed25519' ? spki.subarray(spki.length - 32) : spki).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function generateDkimKey(algorithm: DkimAlgorithm): GeneratedKey {
  const { publicKey, privateKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return exported(algorithm, publicKey, privateKey);
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** As `generateDkimKey`, in libuv's thread pool (an RSA key takes a fifth of a second to make). */
export async function generateDkimKeyAsync(algorithm: DkimAlgorithm): Promise<GeneratedKey> {
  const { publicKey, privateKey } =
    algorithm === 'ed25519'
      ? await generateKeyPairAsync('ed25519')
      : await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return exported(algorithm, publicKey, privateKey);
}

/** A fresh selector such as `mr20261128a1b2`: dated, so a rotation is visible in DNS. */
export function newSelector(now: number): string {
  return `mr${DateTime.fromMillis(now, { zone: 'UTC' }).toFormat('yyyyLLdd')}${randomBytes(2).toString('hex')}`;
}

export function dkimRecordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

export function dkimRecordValue(algorithm: DkimAlgorithm, publicKey: string): string {
  return `v=DKIM1; k=${algorithm === 'ed25519' ? 'ed25519' : 'rsa'}; p=${publicKey}`;
}

/** The TXT record publishing a key of `domain`, as the API and the console show it. */
export function dkimDnsRecord(
  domain: string,
  key: { selector: string; algorithm: DkimAlgorithm; publicKey: string },
): { type: 'TXT'; name: string; value: string } {
  return {
    type: 'TXT',
    name: dkimRecordName(key.selector, domain),
    value: dkimRecordValue(key.algorithm, key.publicKey),
  };
}

/** Parses a DKIM TXT record into its tags (whitespace inside values removed, as RFC 6376 allows). */
export function parseDkimRecord(txt: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of txt.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return tags;
}

/** True when one of the TXT records publishes exactly this public key. */
export function publishesKey(records: string[], algorithm: DkimAlgorithm, publicKey: string): boolean {
  const k = algorithm === 'ed25519' ? 'ed25519' : 'rsa';
  return records.some((r) => {
    const tags = parseDkimRecord(r);
    return (tags.v ?? 'DKIM1') === 'DKIM1' && (tags.k ?? 'rsa') === k && tags.p === publicKey;
  });
}
