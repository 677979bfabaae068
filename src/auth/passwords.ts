/**
 * Console passwords, hashed with scrypt (N=2^15, r=8, p=1, 16-byte salt, 32-byte hash) and
 * compared in constant time. The stored form names its parameters so they can be raised later, and
 * a hash is checked with the parameters it names.
 *
 * The product always hashes at `passwordHashing`'s cost. Only code may ask for another (tests, through
 * `AppOptions.passwordHashing`, to spare the CPU); no setting or variable can lower it.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's parameters for new hashes. */
export interface PasswordHashing {
  N: number;
  r: number;
  p: number;
}

export const passwordHashing: PasswordHashing = Object.freeze({ N: 32768, r: 8, p: 1 });
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, opts: ScryptOptions, len: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, len, { ...opts, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(
  password: string,
  params: PasswordHashing = passwordHashing,
): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, params, 32);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}

const decoys = new Map<string, Promise<string>>();

/**
 * A hash of nothing in particular at the given cost, so an unknown email costs as much time as a
 * wrong password. Made once per cost; `openContext` asks for it at start-up, so that the first
 * sign-in of an unknown email does not take longer for making it.
 */
export function decoyHash(params: PasswordHashing = passwordHashing): Promise<string> {
  const key = `${params.N}$${params.r}$${params.p}`;
  let decoy = decoys.get(key);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), params);
    decoys.set(key, decoy);
  }
  return decoy;
}
