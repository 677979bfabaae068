/**
 * A real DNS server on loopback (UDP and TCP on one port) serving the records a test sets, so
 * lookups go through the same resolver code as in production. Unknown names answer NXDOMAIN.
 */
import { createServer } from 'node:net';
import dns2 from 'dns2';

export interface Zone {
  A?: string[];
  AAAA?: string[];
  TXT?: string[];
  MX?: { exchange: string; priority: number }[];
  /** Host names, at a reverse name such as `1.0.0.127.in-addr.arpa`. */
  PTR?: string[];
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for MAILROUTE_DNS_SERVERS. */
  address: string;
  set(name: string, zone: Zone): void;
  remove(name: string): void;
  /** Make every answer SERVFAIL (true) or normal again (false). */
  failing(on: boolean): void;
  close(): Promise<void>;
}

const { Packet } = dns2;

const SERVFAIL = 2;
const NXDOMAIN = 3;

/** The answers of one type from a zone, in dns2's record shape. */
function recordsOf(zone: Zone, type: number): Record<string, unknown>[] {
  const T = Packet.TYPE;
  if (type === T.A) return (zone.A ?? []).map((address) => ({ type, address }));
  if (type === T.AAAA) return (zone.AAAA ?? []).map((address) => ({ type, address }));
  if (type === T.TXT) return (zone.TXT ?? []).map((data) => ({ type, data: chunks(data) }));
  if (type === T.MX) return (zone.MX ?? []).map((mx) => ({ type, ...mx }));
  if (type === T.PTR) return (zone.PTR ?? []).map((domain) => ({ type, domain }));
  return [];
}

/** TXT strings longer than 255 bytes travel as several character strings. */
const chunks = (s: string) => s.match(/.{1,255}/gs) ?? [''];

export async function startDnsServer(initial: Record<string, Zone> = {}): Promise<TestDnsServer> {
  const zones = new Map<string, Zone>(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), v]));
  let fail = false;
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      if (!question) return send(response);
      const zone = zones.get(question.name.toLowerCase());
      if (fail) response.header.rcode = SERVFAIL;
      else if (!zone) response.header.rcode = NXDOMAIN;
      else
        for (const record of recordsOf(zone, question.type))
          response.answers.push({ name: question.name, class: Packet.CLASS.IN, ttl: 60, ...record } as never);
      send(response);
    },
  });
  server.on('requestError', () => {});
  const port = await freeTcpPort();
  await server.listen({ udp: { port, address: '127.0.0.1' }, tcp: { port, address: '127.0.0.1' } });
  return {
    address: `127.0.0.1:${port}`,
    set(name, zone) {
      zones.set(name.toLowerCase(), zone);
    },
    remove(name) {
      zones.delete(name.toLowerCase());
    },
    failing(on) {
      fail = on;
    },
    close: () => server.close(),
  };
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
