/**
 * The demo's SMTP sink: a loopback server that stands in for a relay or for platform delivery. It
 * accepts every message, except that it refuses recipients whose local part is `nobody` with
 * `550 5.1.1`, as a real server refuses an unknown user; it keeps what it received.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SunkMessage {
  sink: string;
  mailFrom: string;
  to: string[];
  bytes: number;
}

export interface Sink {
  name: string;
  port: number;
  received: SunkMessage[];
  close(): Promise<void>;
}

export const unknownLocalPart = 'nobody';

export async function startSink(name: string, onMessage: (m: SunkMessage) => void): Promise<Sink> {
  const received: SunkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: `mailroute demo sink "${name}"`,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.split('@')[0]?.toLowerCase() === unknownLocalPart) {
        const err = Object.assign(new Error(`5.1.1 <${address.address}>: user unknown`), {
          responseCode: 550,
        });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        const m: SunkMessage = {
          sink: name,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          bytes,
        };
        received.push(m);
        onMessage(m);
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    name,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
