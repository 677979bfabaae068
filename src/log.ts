/** JSON logs (pino) with secrets redacted wherever they appear. Each line carries an `event` code. */
import pino, { type DestinationStream, type Logger } from 'pino';
import { logRedactPaths } from './domain/redact.js';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'mailroute' },
      redact: { paths: logRedactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
