/** The archive of what was sent (SPEC R23): the MIME exactly as it left, gzip-compressed at rest. */
import { gunzipSync, gzipSync } from 'node:zlib';

export function archiveSent(raw: Buffer): string {
  return gzipSync(raw).toString('base64');
}

export function readArchived(stored: string): Buffer {
  return gunzipSync(Buffer.from(stored, 'base64'));
}
