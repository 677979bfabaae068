/**
 * The master key that encrypts secrets at rest (SPEC R7). Taken from `MAILROUTE_MASTER_KEY`
 * (64 hex digits or base64 of 32 bytes), else read from `<data dir>/master.key`, else generated
 * there with mode 0600 on first start. Losing the file makes stored secrets unreadable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/load.js';

export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(['MAILROUTE_MASTER_KEY: must be 32 bytes written as 64 hex digits or base64']);
  }
  return key;
}

export interface MasterKeySource {
  key: Buffer;
  origin: 'environment' | 'file' | 'generated';
  path?: string;
}

export function loadMasterKey(envValue: string | undefined, dataDir: string): MasterKeySource {
  if (envValue) return { key: parseMasterKey(envValue), origin: 'environment' };
  const path = join(dataDir, 'master.key');
  try {
    const text = readFileSync(path, 'utf8');
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return { key: parseMasterKey(text), origin: 'file', path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(undefined, dataDir);
    throw err;
  }
  return { key, origin: 'generated', path };
}
