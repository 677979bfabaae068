import { describe, expect, it } from 'vitest';
import { decoyHash, hashPassword, passwordHashing, verifyPassword } from '../../src/auth/passwords.js';

describe('password hashes', () => {
  it('hash at the product cost (scrypt N=2^15, r=8, p=1) unless code gives another', async () => {
    expect(passwordHashing).toEqual({ N: 32768, r: 8, p: 1 });
    expect(Object.isFrozen(passwordHashing)).toBe(true);
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horse ', stored)).toBe(false);
  });

  it('are checked at the cost they name, so a lower test cost still tells passwords apart', async () => {
    const stored = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(await verifyPassword('correct horse', stored.replace('$1024$', '$2048$'))).toBe(false);
  });

  it('keep one decoy per cost, at that cost', async () => {
    const low = { N: 1024, r: 8, p: 1 };
    expect(decoyHash(low)).toBe(decoyHash({ ...low }));
    expect(await decoyHash(low)).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await decoyHash()).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});
