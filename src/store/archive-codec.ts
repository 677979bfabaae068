/** The archive of what was sent (SPEC R23): the MIME exactly as it left, gzip-compressed at rest. */
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Compresses off the main thread (zlib runs in libuv's pool). */
export async function archiveSent(raw: Buffer): Promise<string> {
  return (await gzipAsync(raw)).toString('base64');
}

export function readArchived(stored: string): Buffer {
  return gunzipSync(Buffer.from(stored, 'base64'));
}
