/**
 * smtp-server's callback hooks wrapped once as promises: a handler resolves to accept (optionally
 * with the reply text) or rejects with an `SmtpReply` carrying the code to send. Any other error
 * becomes a temporary failure, so the sender tries again later instead of losing the report.
 */
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

type Done = (err?: Error | null, message?: string) => void;

/** A refusal to send as the SMTP reply: `code` and the text after it (with its enhanced status). */
export class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

function settle(promise: Promise<unknown>, done: Done): void {
  promise.then(
    (message) => done(null, typeof message === 'string' ? message : undefined),
    (err: unknown) =>
      done(err instanceof SmtpReply ? err : new SmtpReply(451, '4.3.0 Temporary failure, try again later')),
  );
}

export const addressHook =
  (handler: (address: SMTPServerAddress, session: SMTPServerSession) => Promise<void>) =>
  (address: SMTPServerAddress, session: SMTPServerSession, done: (err?: Error | null) => void) =>
    settle(handler(address, session), done);

export const dataHook =
  (handler: (stream: SMTPServerDataStream, session: SMTPServerSession) => Promise<string | undefined>) =>
  (stream: SMTPServerDataStream, session: SMTPServerSession, done: Done) =>
    settle(handler(stream, session), done);

/** Reads a DATA stream, keeping at most `maxBytes`; refuses with 552 when smtp-server saw more. */
export async function readData(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (kept + chunk.length <= maxBytes) {
      chunks.push(chunk);
      kept += chunk.length;
    } else kept = maxBytes + 1;
  }
  if (stream.sizeExceeded || kept > maxBytes)
    throw new SmtpReply(552, `5.3.4 Message too big for this bounce listener (limit ${maxBytes} bytes)`);
  return Buffer.concat(chunks);
}
