/**
 * A loopback SMTP receiver that counts the TCP connections open to it at once (refused ones
 * included), refuses connections beyond `maxClients` with 421, records each recipient it took
 * with the moment `clock` says it arrived, and can answer `421 4.7.28` once it has taken
 * `pushback.after` recipients (issue 21's shaping tests).
 */
import type { Server } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CountingReceiver {
  port: number;
  open: () => number;
  maxOpen: () => number;
  received: string[];
  /** When each recipient arrived, by the clock given. */
  arrivals: number[];
  /** After `after` recipients accepted (counted from `accepted`), answer 421 4.7.28 while `on`. */
  pushback: { after: number; on: boolean; accepted: number };
  close(): Promise<void>;
}

export async function startCountingReceiver(
  maxClients = Number.POSITIVE_INFINITY,
  clock: { now(): number } = Date,
): Promise<CountingReceiver> {
  let open = 0;
  let maxOpen = 0;
  const received: string[] = [];
  const arrivals: number[] = [];
  const pushback = { after: Number.POSITIVE_INFINITY, on: true, accepted: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    ...(Number.isFinite(maxClients) ? { maxClients } : {}),
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (pushback.on && pushback.accepted >= pushback.after) {
        const err = Object.assign(new Error('4.7.28 Our system has detected an unusual rate of mail'), {
          responseCode: 421,
        });
        return cb(err);
      }
      pushback.accepted++;
      cb();
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) {
          received.push(r.address);
          arrivals.push(clock.now());
        }
        cb();
      });
    },
  });
  const net = (server as unknown as { server: Server }).server;
  net.on('connection', (socket) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (net.address() as { port: number }).port,
    open: () => open,
    maxOpen: () => maxOpen,
    received,
    arrivals,
    pushback,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
