import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { loadMasterKey, parseMasterKey } from '../../src/secrets/master-key.js';
import { createSecrets, SecretError } from '../../src/secrets/secrets.js';

describe('secrets: envelope encryption', () => {
  const secrets = createSecrets(randomBytes(32));

  it('round-trips a value in its context', () => {
    const sealed = secrets.encrypt('s3cret pässword', 'relay:rly_1:password');
    expect(sealed.startsWith(`mr1.${secrets.keyId}.`)).toBe(true);
    expect(sealed).not.toContain('s3cret');
    expect(secrets.decrypt(sealed, 'relay:rly_1:password')).toBe('s3cret pässword');
  });

  it('gives a different ciphertext each time (fresh data key and IVs)', () => {
    expect(secrets.encrypt('x', 'c')).not.toBe(secrets.encrypt('x', 'c'));
  });

  it('refuses a ciphertext moved to another context', () => {
    const sealed = secrets.encrypt('token', 'relay:rly_1:password');
    expect(() => secrets.decrypt(sealed, 'relay:rly_2:password')).toThrow(SecretError);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = secrets.encrypt('token', 'ctx');
    const raw = Buffer.from(sealed.split('.')[2]!, 'base64url');
    raw[raw.length - 1]! ^= 1;
    const tampered = `mr1.${secrets.keyId}.${raw.toString('base64url')}`;
    expect(() => secrets.decrypt(tampered, 'ctx')).toThrow(/failed authentication/);
  });

  it('says when a value was sealed with another master key', () => {
    const other = createSecrets(randomBytes(32));
    expect(() => other.decrypt(secrets.encrypt('x', 'c'), 'c')).toThrow(/another master key/);
    expect(() => secrets.decrypt('plain text', 'c')).toThrow(/not an encrypted secret/);
  });
});

describe('secrets: the master key', () => {
  it('is generated into the data dir with mode 0600 and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-key-'));
    const first = loadMasterKey(undefined, dir);
    expect(first.origin).toBe('generated');
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    const second = loadMasterKey(undefined, dir);
    expect(second.origin).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
    expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toHaveLength(64);
  });

  it('comes from MAILROUTE_MASTER_KEY as hex or base64, and a wrong one stops start-up', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(loadMasterKey(key.toString('hex'), '/nonexistent').origin).toBe('environment');
    expect(() => parseMasterKey('too-short')).toThrow(ConfigError);
    expect(() => parseMasterKey('too-short')).toThrow(/MAILROUTE_MASTER_KEY/);
  });

  it('tightens a key file that others could read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-key-'));
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('hex'), { mode: 0o644 });
    loadMasterKey(undefined, dir);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
  });
});
