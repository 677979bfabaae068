/**
 * File modes of what mailroute keeps on disk: the data directory is created 0700 and the SQLite
 * database with its `-wal` and `-shm` files is kept 0600 (SQLite gives the side files the mode of
 * the database), so no other local user can read archived mail or secrets. An existing data
 * directory is left as its owner set it, but a looser mode is reported for the log.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

const modeOf = (path: string): number | undefined => {
  try {
    return statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

export interface DataDirState {
  created: boolean;
  /** The mode of an existing directory that others may read or enter, else undefined. */
  looseMode?: number;
}

/** Creates `dir` (and missing parents) 0700, or reports an existing one's loose mode. */
export function preparePrivateDir(dir: string): DataDirState {
  const mode = modeOf(dir);
  if (mode === undefined) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE); // whatever the umask
    return { created: true };
  }
  return (mode & 0o077) !== 0 ? { created: false, looseMode: mode } : { created: false };
}

/** Creates an empty SQLite database 0600 before SQLite would create it 0644, and narrows the
 * database, `-wal` and `-shm` files that exist with a looser mode. */
export function securePrivateDatabase(path: string): void {
  if (modeOf(path) === undefined) {
    try {
      closeSync(openSync(path, 'wx', FILE_MODE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    const mode = modeOf(file);
    if (mode !== undefined && (mode & 0o077) !== 0) chmodSync(file, FILE_MODE);
  }
}

export const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;
