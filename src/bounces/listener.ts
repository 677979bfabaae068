/**
 * The bounce listener (SPEC R18): an SMTP server that takes mail only for the data centers' bounce
 * domains (anything else: 550 5.7.1, it is not a relay), with a size limit and no authentication.
 * Its sessions are limited overall and per client address, and clients that send a command or a
 * message too slowly are cut off well before the idle timeout, which only counts between commands:
 * see `connection-guard.ts`. Each accepted message is handed to `receiveBounce()` before the 250,
 * so a database failure answers 451 and the sender retries. Mail to `unsubscribe+<token>@<bounce
 * domain>` (the `mailto:` of `List-Unsubscribe`) unsubscribes like the one-click POST; a forged
 * token is refused at RCPT with 550 5.1.1.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../context.js';
import { unsubscribeKey } from '../delivery/derived-keys.js';
import { mailtoToken, parseUnsubscribeToken } from '../domain/unsubscribe-token.js';
import { ConnectionGuard } from './connection-guard.js';
import { receiveBounce } from './receive.js';
import { addressHook, dataHook, readData, SmtpReply } from './smtp-adapters.js';
import { recordUnsubscribe } from './unsubscribe.js';

export const BOUNCE_MAX_BYTES = 10 * 1024 * 1024;
export const BOUNCE_MAX_CONNECTIONS = 200;
export const BOUNCE_MAX_CONNECTIONS_PER_ADDRESS = 20;
export const BOUNCE_COMMAND_TIMEOUT_MS = 30_000;
export const BOUNCE_IDLE_TIMEOUT_MS = 60_000;
const MAX_RECIPIENTS = 50;

export interface BounceListenerOptions {
  port: number;
  host?: string;
  maxBytes?: number;
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  /** A command line, a TLS handshake or 64 KiB of a message must arrive within this. */
  commandTimeoutMs?: number;
  /** How long a client may wait between commands. */
  idleTimeoutMs?: number;
}

export interface BounceListener {
  /** The bound port (the given one, or the one chosen for port 0). */
  port: number;
  close(): Promise<void>;
}

export async function startBounceListener(
  ctx: AppContext,
  o: BounceListenerOptions,
): Promise<BounceListener> {
  const log = ctx.log.child({ component: 'bounce-listener' });
  const domains = new Set(ctx.config.dataCenters.map((dc) => dc.bounceDomain.toLowerCase()));
  const maxBytes = o.maxBytes ?? BOUNCE_MAX_BYTES;
  const maxConnections = o.maxConnections ?? BOUNCE_MAX_CONNECTIONS;
  const guard = new ConnectionGuard(
    {
      maxConnections,
      maxConnectionsPerAddress: o.maxConnectionsPerAddress ?? BOUNCE_MAX_CONNECTIONS_PER_ADDRESS,
      commandTimeoutMs: o.commandTimeoutMs ?? BOUNCE_COMMAND_TIMEOUT_MS,
    },
    (e) =>
      log.info({ event: `bounce.connection_${e.event}`, remoteAddress: e.remoteAddress, reason: e.reason }),
  );

  const server = new SMTPServer({
    name: ctx.config.ehloName,
    banner: 'mailroute bounce listener',
    size: maxBytes,
    // The guard admits at most maxConnections; sockets it has just told 421 may linger a moment.
    maxClients: maxConnections * 2,
    authOptional: true,
    disabledCommands: ['AUTH'],
    disableReverseLookup: true,
    socketTimeout: o.idleTimeoutMs ?? BOUNCE_IDLE_TIMEOUT_MS,
    closeTimeout: 5_000,
    logger: false,
    onConnect(session, done) {
      guard.bind(session);
      done();
    },
    onSecure(socket, session, done) {
      guard.secured(session, socket);
      done();
    },
    onClose(session) {
      guard.closed(session);
    },
    onRcptTo: addressHook(async (address, session) => {
      const domain = address.address.slice(address.address.lastIndexOf('@') + 1).toLowerCase();
      if (!domains.has(domain)) {
        log.info({
          event: 'bounce.relay_denied',
          rcptTo: address.address,
          remoteAddress: session.remoteAddress,
        });
        throw new SmtpReply(
          550,
          '5.7.1 Relaying denied: this server accepts mail for its bounce domains only',
        );
      }
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        throw new SmtpReply(452, '4.5.3 Too many recipients');
      const token = mailtoToken(address.address);
      if (token !== undefined && !parseUnsubscribeToken(token, unsubscribeKey(ctx))) {
        log.info({ event: 'unsubscribe.forged_token', remoteAddress: session.remoteAddress });
        throw new SmtpReply(550, '5.1.1 No such unsubscribe address');
      }
    }),
    onData: dataHook(async (stream, session) => {
      guard.dataStarted(session);
      try {
        const raw = await readData(stream, maxBytes).finally(() => guard.dataReceived(session));
        const all = session.envelope.rcptTo.map((a) => a.address);
        const rcpts = all.filter((a) => mailtoToken(a) === undefined);
        try {
          for (const a of all) {
            const token = mailtoToken(a);
            if (token !== undefined) await recordUnsubscribe(ctx, token, 'mailto');
          }
          if (rcpts.length > 0) await receiveBounce(ctx, raw, rcpts, session.remoteAddress);
        } catch (err) {
          log.error(
            { err, event: 'bounce.processing_failed', remoteAddress: session.remoteAddress },
            'bounce not processed',
          );
          throw err;
        }
        return 'OK: report received';
      } finally {
        guard.replied(session);
      }
    }),
  });
  server.on('error', (err) => log.warn({ err, event: 'bounce.listener_error' }, 'bounce listener error'));
  guard.install(server.server);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ event: 'bounce.listening', port, domains: [...domains] }, `bounce listener on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          guard.close();
          resolve();
        }),
      ),
  };
}
