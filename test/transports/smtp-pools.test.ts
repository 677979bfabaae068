// A relay's pool is made once and kept while its options stay the same: a relay that trusts its
// own CA certificate sends every message over the connections already open, and a changed
// certificate makes a new pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaysTable } from '../../src/store/schema.js';
import { relayPoolKey, relayPoolOptions } from '../../src/transports/relay-transport.js';
import { SmtpPools } from '../../src/transports/smtp-pools.js';
import { startSmtpServer, type TestSmtpServer, testCertificates } from '../helpers/smtp-servers.js';

describe('SMTP pools', () => {
  let server: TestSmtpServer;
  let ca: string;
  const pools = new SmtpPools();

  beforeAll(async () => {
    ca = (await testCertificates()).ca.cert;
    server = await startSmtpServer({ mode: 'starttls', certificate: 'valid' });
  });
  afterAll(async () => {
    pools.closeAll();
    await server.close();
  });

  const relay = (caCertificate: string) =>
    ({
      id: 'rly_pool',
      host: 'relay.test',
      port: server.port,
      security: 'tls',
      verify_certificate: 1,
      ca_certificate: caCertificate,
      max_connections: 1,
    }) as RelaysTable;

  const send = (r: RelaysTable, n: number) =>
    pools.send(
      relayPoolKey(r),
      relayPoolOptions(r, {
        address: '127.0.0.1',
        ehloName: 'mailroute.test',
        auth: { type: 'none' },
        timeoutMs: 5000,
      }),
      Buffer.from(`From: a@sakura.com\r\nTo: b@example.net\r\nSubject: ${n}\r\n\r\nHi\r\n`),
      { from: 'a@sakura.com', to: 'b@example.net' },
    );

  it('reuses the open connection for a relay with its own CA, and reconnects when the CA changes', async () => {
    for (let i = 0; i < 3; i++) expect((await send(relay(ca), i)).ok).toBe(true);
    expect(server.connections()).toBe(1);
    const other = `${ca}\n`;
    expect((await send(relay(other), 3)).ok).toBe(true);
    expect(server.connections()).toBe(2);
    expect(server.received.messages).toHaveLength(4);
  });
});
