/**
 * Real SMTP servers (smtp-server) on 127.0.0.1 for loopback tests: implicit TLS, STARTTLS or plain
 * without STARTTLS; optional password/XOAUTH2 authentication; certificates from a private test CA
 * (valid, expired, for another name) or self-signed; senders or whole connections refused on demand.
 * Each server records what it was told (commands, AUTH, MAIL FROM, RCPT TO, messages). Also a closed
 * port and a server that accepts TCP but never greets.
 */
import net from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { pastBoth, realWindow } from './clock.js';

export const LOOPBACK = '127.0.0.1';

export interface TestCertificate {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** The private test CA: trust it with `caCertificate: certs.ca.cert`. */
  ca: TestCertificate;
  /** Signed by the test CA for localhost, relay.test and 127.0.0.1. */
  valid: TestCertificate;
  /** Self-signed, for localhost, relay.test and 127.0.0.1. */
  selfSigned: TestCertificate;
  /** Signed by the test CA for the same names, expired a year ago. */
  expired: TestCertificate;
  /** Signed by the test CA for other.example only. */
  wrongName: TestCertificate;
}

export type CertificateName = Exclude<keyof TestCertificates, 'ca'>;

const DAY_MS = 86_400_000;
const loopbackNames = [
  { type: 2 as const, value: 'localhost' },
  { type: 2 as const, value: 'relay.test' },
  { type: 7 as const, ip: LOOPBACK },
];

let certificates: Promise<TestCertificates> | undefined;

/** The test certificates, generated once per test process (selfsigned 5 is async-only; RSA 2048, sha256). */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= makeCertificates();
  return certificates;
}

async function makeCertificates(): Promise<TestCertificates> {
  // Loaded here, not with this module: selfsigned (and the X.509 libraries under it) takes a
  // noticeable part of a second to import, and most test files use plain servers only.
  const { generate } = await import('selfsigned');
  const window = realWindow();
  const ca = pair(
    await generate([{ name: 'commonName', value: 'mailroute test CA' }], {
      algorithm: 'sha256',
      notBeforeDate: window.notBefore,
      notAfterDate: window.notAfter,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    }),
  );
  const leaf = async (cn: string, altNames: typeof loopbackNames, signed: boolean, notAfterDate?: Date) =>
    pair(
      await generate([{ name: 'commonName', value: cn }], {
        algorithm: 'sha256',
        ...(signed ? { ca: { key: ca.key, cert: ca.cert } } : {}),
        // Valid for the machine's clock (OpenSSL, Chromium) and the test clock (mailroute) alike.
        ...(notAfterDate
          ? { notBeforeDate: new Date(notAfterDate.getTime() - 365 * DAY_MS), notAfterDate }
          : { notBeforeDate: window.notBefore, notAfterDate: window.notAfter }),
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames },
        ],
      }),
    );
  const expiredBefore = pastBoth();
  const [valid, selfSigned, expired, wrongName] = await Promise.all([
    leaf('localhost', loopbackNames, true),
    leaf('localhost', loopbackNames, false),
    leaf('localhost', loopbackNames, true, expiredBefore),
    leaf('other.example', [{ type: 2, value: 'other.example' }], true),
  ]);
  return { ca, valid, selfSigned, expired, wrongName };
}

function pair(generated: { private: string; cert: string }): TestCertificate {
  return { key: generated.private, cert: generated.cert };
}

export type TlsMode = 'implicit-tls' | 'starttls' | 'plain';

export interface TestSmtpServerOptions {
  /** `implicit-tls`: TLS from the first byte; `starttls`: plain, offering STARTTLS; `plain`: no STARTTLS. */
  mode: TlsMode;
  /** The server certificate (default `valid`); unused in `plain` mode. */
  certificate?: CertificateName | TestCertificate;
  /** Require authentication with these credentials; without it AUTH is not offered at all. */
  auth?: { username: string; password: string; accessToken?: string };
  /** Default PLAIN, LOGIN and XOAUTH2. */
  authMethods?: string[];
  /** Offer AUTH on a plain connection (default true in `plain` mode, false otherwise, as smtp-server). */
  allowInsecureAuth?: boolean;
  /** Refuse matching senders at MAIL FROM (default 550). */
  refuseSender?: { pattern: RegExp; code?: number; message?: string };
  /** Refuse matching recipients at RCPT TO (default 550). */
  refuseRecipient?: { pattern: RegExp; code?: number; message?: string };
  /** Refuse every message after DATA with this reply. */
  refuseMessage?: { code: number; message: string };
  /** Refuse every connection with this greeting (421 or 554). */
  refuseConnection?: { code: 421 | 554; message?: string };
  /** Extra smtp-server options, applied last. */
  extra?: SMTPServerOptions;
}

export interface ReceivedBySmtpServer {
  /** Command verbs in the order received (AUTH arguments are never recorded). */
  commands: string[];
  auth: { method: string; username: string; ok: boolean }[];
  mailFrom: string[];
  rcptTo: string[];
  messages: Buffer[];
}

export interface TestSmtpServer {
  host: string;
  port: number;
  received: ReceivedBySmtpServer;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSmtpServer(options: TestSmtpServerOptions): Promise<TestSmtpServer> {
  const received: ReceivedBySmtpServer = { commands: [], auth: [], mailFrom: [], rcptTo: [], messages: [] };
  let accepted = 0;
  const tlsOptions = options.mode === 'plain' ? {} : await certificateOptions(options.certificate);
  const server = new SMTPServer({
    ...tlsOptions,
    secure: options.mode === 'implicit-tls',
    disabledCommands: [...(options.mode === 'plain' ? ['STARTTLS'] : []), ...(options.auth ? [] : ['AUTH'])],
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN', 'XOAUTH2'],
    authOptional: !options.auth,
    allowInsecureAuth: options.allowInsecureAuth ?? options.mode === 'plain',
    closeTimeout: 200,
    logger: commandRecorder(received.commands),
    onConnect(_session, callback) {
      accepted += 1;
      const refuse = options.refuseConnection;
      if (!refuse) return callback();
      callback(smtpError(refuse.code, refuse.message ?? 'Service not available'));
    },
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      const ok =
        expected !== undefined &&
        auth.username === expected.username &&
        (auth.method === 'XOAUTH2'
          ? auth.accessToken === expected.accessToken
          : auth.password === expected.password);
      received.auth.push({ method: auth.method, username: auth.username ?? '', ok });
      if (ok) return callback(null, { user: auth.username });
      if (auth.method === 'XOAUTH2') {
        return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.test/' } });
      }
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(address, _session, callback) {
      received.mailFrom.push(address.address);
      const refuse = options.refuseSender;
      if (refuse?.pattern.test(address.address)) {
        return callback(
          smtpError(refuse.code ?? 550, refuse.message ?? 'Sender address rejected: not owned by user'),
        );
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      received.rcptTo.push(address.address);
      const refuse = options.refuseRecipient;
      if (refuse?.pattern.test(address.address)) {
        return callback(smtpError(refuse.code ?? 550, refuse.message ?? 'No such user here'));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.messages.push(Buffer.concat(chunks));
        const refuse = options.refuseMessage;
        if (refuse) return callback(smtpError(refuse.code, refuse.message));
        callback(null, 'Queued');
      });
    },
    ...options.extra,
  });
  server.on('error', () => {});
  const port = await listen(server.server, () => server.listen(0, LOOPBACK));
  return {
    host: LOOPBACK,
    port,
    received,
    connections: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function certificateOptions(
  certificate: TestSmtpServerOptions['certificate'],
): Promise<TestCertificate> {
  if (typeof certificate === 'object') return certificate;
  const certs = await testCertificates();
  return certs[certificate ?? 'valid'];
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** smtp-server logs every command at debug level: a bunyan-style logger that keeps the verbs. */
function commandRecorder(commands: string[]) {
  const ignore = () => {};
  return {
    trace: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    fatal: ignore,
    debug(entry: unknown) {
      if (typeof entry !== 'object' || entry === null) return;
      const { tnx, command } = entry as { tnx?: unknown; command?: unknown };
      if (tnx === 'command' && typeof command === 'string') commands.push(command.toUpperCase());
    },
  };
}

function listen(server: net.Server, start: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
    start();
  });
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, () => server.listen(0, LOOPBACK));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SilentServer {
  host: string;
  port: number;
  /** Bytes received so far (e.g. a TLS ClientHello). */
  bytesReceived(): number;
  close(): Promise<void>;
}

/** Accepts TCP connections and never says anything (a wrong TLS mode looks like this). */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let bytes = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, () => server.listen(0, LOOPBACK));
  return {
    host: LOOPBACK,
    port,
    bytesReceived: () => bytes,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
