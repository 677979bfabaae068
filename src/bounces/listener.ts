/**
 * The bounce listener (SPEC R18): an SMTP server that takes mail only for the data centers' bounce
 * domains (anything else: 550 5.7.1, it is not a relay), with a size limit, a cap on connections
 * overall and per client address, and no authentication. Each accepted message is handed to
 * `receiveBounce()` before the 250, so a database failure answers 451 and the sender retries.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AppContext } from '../context.js';
import { receiveBounce } from './receive.js';
import { addressHook, dataHook, readData, SmtpReply, sessionHook } from './smtp-adapters.js';

export const BOUNCE_MAX_BYTES = 10 * 1024 * 1024;
export const BOUNCE_MAX_CONNECTIONS = 200;
export const BOUNCE_MAX_CONNECTIONS_PER_CLIENT = 20;
const MAX_RECIPIENTS = 50;

export interface BounceListenerOptions {
  port: number;
  host?: string;
  maxBytes?: number;
  maxConnections?: number;
  maxConnectionsPerClient?: number;
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
  const perClientMax = o.maxConnectionsPerClient ?? BOUNCE_MAX_CONNECTIONS_PER_CLIENT;
  const perClient = new Map<string, number>();

  const server = new SMTPServer({
    name: ctx.config.ehloName,
    banner: 'mailroute bounce listener',
    size: maxBytes,
    maxClients: o.maxConnections ?? BOUNCE_MAX_CONNECTIONS,
    authOptional: true,
    disabledCommands: ['AUTH'],
    disableReverseLookup: true,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onConnect: sessionHook(async (session) => {
      const n = (perClient.get(session.remoteAddress) ?? 0) + 1;
      if (n > perClientMax)
        throw new SmtpReply(421, '4.7.0 Too many connections from your address, try later');
      perClient.set(session.remoteAddress, n);
      (session as SMTPServerSession & { counted?: boolean }).counted = true;
    }),
    onClose(session) {
      if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
      const n = (perClient.get(session.remoteAddress) ?? 1) - 1;
      if (n <= 0) perClient.delete(session.remoteAddress);
      else perClient.set(session.remoteAddress, n);
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
    }),
    onData: dataHook(async (stream, session) => {
      const raw = await readData(stream, maxBytes);
      const rcpts = session.envelope.rcptTo.map((a) => a.address);
      try {
        await receiveBounce(ctx, raw, rcpts, session.remoteAddress);
      } catch (err) {
        log.error(
          { err, event: 'bounce.processing_failed', remoteAddress: session.remoteAddress },
          'bounce not processed',
        );
        throw err;
      }
      return 'OK: report received';
    }),
  });
  server.on('error', (err) => log.warn({ err, event: 'bounce.listener_error' }, 'bounce listener error'));

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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
