/**
 * MTA-STS test servers on loopback (issue 21): certificates from the private test CA for the names a
 * test needs, generated now and valid from the real now (and the test clock's), an HTTPS server
 * answering `/.well-known/mta-sts.txt` per `Host`, and SMTP receivers bound to one 127.x address
 * each on a shared port (direct delivery uses one port for every MX).
 */
import https from 'node:https';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { realWindow } from './clock.js';
import { type TestCertificate, testCertificates } from './smtp-servers.js';

/** A leaf certificate signed by the test CA for these DNS names. */
export async function certificateFor(names: string[]): Promise<TestCertificate> {
  const { ca } = await testCertificates();
  const { generate } = await import('selfsigned');
  const window = realWindow();
  const g = await generate([{ name: 'commonName', value: names[0]! }], {
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    notBeforeDate: window.notBefore,
    notAfterDate: window.notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  return { key: g.private, cert: g.cert };
}

export interface PolicyServer {
  port: number;
  /** Policy files by domain (served for `mta-sts.<domain>`); absent: 404. */
  policies: Map<string, string>;
  fetches: string[];
  close(): Promise<void>;
}

export async function startPolicyServer(domains: string[]): Promise<PolicyServer> {
  const cert = await certificateFor(domains.map((d) => `mta-sts.${d}`));
  const policies = new Map<string, string>();
  const fetches: string[] = [];
  const server = https.createServer(cert, (req, res) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const domain = host.replace(/^mta-sts\./, '');
    fetches.push(host);
    const body = policies.get(domain);
    if (req.url !== '/.well-known/mta-sts.txt' || body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    policies,
    fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface MxServer {
  address: string;
  connections: number;
  /** Whether each connection's session was secured before MAIL FROM. */
  secureSessions: boolean[];
  messages: Buffer[];
  close(): Promise<void>;
}

/** An SMTP receiver at `address:port`: STARTTLS with `certificate`, or plain without STARTTLS. */
export async function startMxServer(
  address: string,
  port: number,
  certificate: TestCertificate | undefined,
): Promise<MxServer> {
  const mx: Omit<MxServer, 'close'> = { address, connections: 0, secureSessions: [], messages: [] };
  const server = new SMTPServer({
    ...(certificate ?? {}),
    disabledCommands: certificate ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    onConnect(_s, cb) {
      mx.connections += 1;
      cb();
    },
    onMailFrom(_a, session, cb) {
      mx.secureSessions.push(session.secure);
      cb();
    },
    onData(stream, _s, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mx.messages.push(Buffer.concat(chunks));
        cb(null, 'Queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return Object.assign(mx, { close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

/** A port free on every one of these loopback addresses. */
export async function portFreeOn(addresses: string[]): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const probe = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, addresses[0], () => resolve((probe.address() as net.AddressInfo).port));
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const ok = await Promise.all(addresses.map((a) => canListen(a, port)));
    if (ok.every(Boolean)) return port;
  }
  throw new Error('no port free on every address');
}

function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, address, () => s.close(() => resolve(true)));
  });
}
