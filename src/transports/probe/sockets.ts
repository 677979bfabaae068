/**
 * Opening connections for the probe: a TCP connection (bound to the egress address when one is set)
 * and a TLS handshake over it, each bounded by the step timeout and each error mapped to an issue.
 * Certificates are never rejected here: the handshake always completes so the verdict can be
 * reported; whether to go on is the TLS step's decision.
 */
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { ProbeIssue } from './explanations.js';
import { errorCode, errorMessage, ProbeFailure } from './failure.js';

export interface TcpOptions {
  address: string;
  port: number;
  localAddress?: string;
  timeoutMs: number;
}

export function connectTcp(options: TcpOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: options.address,
      port: options.port,
      localAddress: options.localAddress,
    });
    const fail = (failure: ProbeFailure) => {
      clearTimeout(timer);
      socket.destroy();
      reject(failure);
    };
    const timer = setTimeout(
      () => fail(new ProbeFailure('tcp-timeout', { detail: `no answer within ${options.timeoutMs} ms` })),
      options.timeoutMs,
    );
    const onError = (error: Error) => fail(tcpFailure(error, options.localAddress));
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      // Whoever reads the socket next (SMTP channel or TLS handshake) sees its errors; until then
      // an error must not crash the process.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

const tcpIssues: Record<string, ProbeIssue> = {
  ECONNREFUSED: 'connection-refused',
  ETIMEDOUT: 'tcp-timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  EADDRNOTAVAIL: 'bind-failed',
  ECONNRESET: 'connection-closed',
};

function tcpFailure(error: Error, localAddress: string | undefined): ProbeFailure {
  const code = errorCode(error) ?? '';
  const bindError = localAddress !== undefined && (code === 'EINVAL' || code === 'EADDRINUSE');
  const issue = bindError ? 'bind-failed' : (tcpIssues[code] ?? 'unreachable');
  return new ProbeFailure(issue, { detail: describe(error) });
}

export interface TlsOptions {
  /** For SNI; absent when the host is an IP address. */
  servername?: string;
  /** Extra trusted PEM certificates, besides the public CAs. */
  caCertificate?: string;
  timeoutMs: number;
}

export function handshakeTls(socket: Socket, options: TlsOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    // The TLS socket reports errors from here on; the wrapped one must not crash the process.
    socket.on('error', () => {});
    let secure: TLSSocket;
    try {
      secure = tls.connect({
        socket,
        servername: options.servername,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        ca: options.caCertificate ? [...tls.rootCertificates, options.caCertificate] : undefined,
      });
    } catch (error) {
      socket.destroy();
      reject(new ProbeFailure('ca-certificate-invalid', { detail: errorMessage(error) }));
      return;
    }
    const fail = (failure: ProbeFailure) => {
      clearTimeout(timer);
      secure.destroy();
      socket.destroy();
      reject(failure);
    };
    const timer = setTimeout(
      () => fail(new ProbeFailure('tls-timeout', { detail: `no handshake within ${options.timeoutMs} ms` })),
      options.timeoutMs,
    );
    const onError = (error: Error) => fail(tlsFailure(error));
    const onClose = () =>
      fail(new ProbeFailure('tls-failed', { detail: 'the server closed the connection' }));
    secure.once('error', onError);
    secure.once('close', onClose);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.off('error', onError);
      secure.off('close', onClose);
      resolve(secure);
    });
  });
}

const plainTextAnswer = /wrong version number|packet length too long|unknown protocol|http request/i;

function tlsFailure(error: Error): ProbeFailure {
  const code = errorCode(error) ?? '';
  const plain = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || plainTextAnswer.test(error.message);
  return new ProbeFailure(plain ? 'tls-wrong-mode' : 'tls-failed', { detail: describe(error) });
}

/** `CODE: message`; OpenSSL errors give their short `reason` instead of the library's long message. */
function describe(error: Error): string {
  const code = errorCode(error);
  const reason = 'reason' in error && typeof error.reason === 'string' ? error.reason : error.message.trim();
  return code && !reason.includes(code) ? `${code}: ${reason}` : reason;
}
