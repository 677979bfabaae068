/**
 * The submission server's TLS certificate: the configured PEM files, or a self-signed certificate
 * for the EHLO name that mailroute generates once into the data directory (key and certificate
 * 0600, like the other files there) and logs that it did. Applications that check certificates
 * need the configured one; the generated one keeps the key off the wire from the first start.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import { FILE_MODE } from '../store/file-modes.js';

export interface Certificate {
  cert: string;
  key: string;
  origin: 'configured' | 'generated' | 'kept';
}

const DAY_MS = 86_400_000;

export async function submissionCertificate(ctx: AppContext): Promise<Certificate> {
  const tls = ctx.config.submission.tls;
  if (tls)
    return { cert: readFileSync(tls.cert, 'utf8'), key: readFileSync(tls.key, 'utf8'), origin: 'configured' };
  const certPath = join(ctx.config.dataDir, 'submission-cert.pem');
  const keyPath = join(ctx.config.dataDir, 'submission-key.pem');
  if (existsSync(certPath) && existsSync(keyPath))
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), origin: 'kept' };
  const name = ctx.config.ehloName;
  // Clients check validity against the machine's clock, not mailroute's.
  const now = Date.now();
  // Loaded only to generate one: with a configured certificate the package is not needed.
  const { generate } = await import('selfsigned');
  const made = await generate([{ name: 'commonName', value: name }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: name }] },
    ],
  });
  writeFileSync(keyPath, made.private, { mode: FILE_MODE, flag: 'wx' });
  writeFileSync(certPath, made.cert, { mode: FILE_MODE, flag: 'wx' });
  ctx.log.warn(
    { event: 'submission.certificate_generated', path: certPath, name },
    `generated a self-signed certificate for ${name} for the submission port; set MAILROUTE_SUBMISSION_TLS_CERT and _KEY to use your own`,
  );
  return { cert: made.cert, key: made.private, origin: 'generated' };
}
