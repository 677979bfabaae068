/**
 * The archive of what was sent (SPEC R23): the MIME exactly as it left, gzip-compressed at rest.
 * Compression is synchronous on purpose: for messages of a few kilobytes it costs about 30 µs,
 * while handing each one to the thread pool costs several times that.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export function archiveSent(raw: Buffer): string {
  return gzipSync(raw).toString('base64');
}

export function readArchived(stored: string): Buffer {
  return gunzipSync(Buffer.from(stored, 'base64'));
}
