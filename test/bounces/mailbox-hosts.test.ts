/**
 * Bounce mailboxes under the host policy (`MAILROUTE_RELAY_HOSTS`): the mailbox host is resolved with
 * mailroute's own resolver (a DNS server on loopback), every address is checked as for relays and
 * webhooks, and the session connects to the checked address while TLS checks the name. Dovecot on
 * loopback counts the connections it gets, so a refusal is seen to make none. A zone may answer a
 * link-local address: mailroute must refuse it before connecting, and nothing connects outside
 * 127.0.0.0/8.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { startCli, waitFor } from '../helpers/cli.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startImapServer, type TestImapServer } from '../helpers/imap-server.js';
import { testCertificates } from '../helpers/smtp-servers.js';

const USER = 'bounce@sakura.com';
const PASSWORD = 'mailbox password 1';
const started = await startImapServer([{ user: USER, password: PASSWORD }], {
  certificate: (await testCertificates()).valid,
});
const imap: TestImapServer | undefined = 'server' in started ? started.server : undefined;
if ('skip' in started) console.warn(`bounce mailbox host tests skipped: ${started.skip}`);

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer({
    'imap.sakura.test': { A: ['127.0.0.1'] },
    'relay.test': { A: ['127.0.0.1'] },
    'metadata.sakura.test': { A: ['169.254.169.254'] },
  });
});
afterAll(async () => {
  await dns?.close();
  await imap?.close();
});

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A relay whose bounces go to a fixed address, so that it may have a mailbox. */
async function relayWithMailbox(call: Call): Promise<string> {
  const domainId = (await call('POST', '/api/v1/domains', { name: 'sakura.com' })).body.id;
  const res = await call('POST', '/api/v1/relays', {
    name: 'relay',
    host: 'smtp.sakura.com',
    port: 587,
    security: 'tls',
    dailyLimit: 100,
    domainId,
    emailTypes: ['workflow'],
    bounceHandling: { mode: 'address', address: USER },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Sets the mailbox to `host` and polls it now; returns the poll's answer. */
async function pollAt(call: Call, relayId: string, host: string, more: Record<string, unknown> = {}) {
  const path = `/api/v1/relays/${relayId}/bounce-mailbox`;
  const put = await call('PUT', path, {
    host,
    port: imap!.port,
    security: 'none',
    authentication: { type: 'password', username: USER, password: PASSWORD },
    enabled: false,
    ...more,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const poll = await call('POST', `${path}/poll`);
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  return poll.body;
}

describe.skipIf(!imap).each(['public-only', 'any'] as const)('bounce mailbox hosts under %s', (policy) => {
  let t: TestApp;
  let relayId: string;
  const call: Call = (method, path, body) => t.call(method, path, body);

  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_RELAY_HOSTS: policy,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    relayId = await relayWithMailbox(call);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a name resolving to a link-local address before any connection', async () => {
    const before = imap!.connections();
    const poll = await pollAt(call, relayId, 'metadata.sakura.test');
    expect(poll).toEqual({
      ok: false,
      error: `the host policy (MAILROUTE_RELAY_HOSTS=${policy}) refuses metadata.sakura.test at 169.254.169.254 (link-local): bounce mailboxes may not reach it here; no connection was made`,
      processed: 0,
      recorded: 0,
      unmatched: 0,
      notBounces: 0,
    });
    expect(imap!.connections()).toBe(before);
    const status = (await t.call('GET', `/api/v1/relays/${relayId}/bounce-mailbox`)).body.status;
    expect(status.lastError).toBe(poll.error);
  });

  if (policy === 'public-only')
    it('refuses a name resolving to 127.0.0.1 without connecting, saying so instead of echoing a server', async () => {
      const before = imap!.connections();
      const poll = await pollAt(call, relayId, 'imap.sakura.test');
      expect(poll).toMatchObject({ ok: false, processed: 0 });
      expect(poll.error).toBe(
        'the host policy (MAILROUTE_RELAY_HOSTS=public-only) refuses imap.sakura.test at 127.0.0.1 (loopback): bounce mailboxes may not reach it here; no connection was made',
      );
      expect(imap!.connections()).toBe(before);
      const view = (await t.call('GET', `/api/v1/relays/${relayId}/bounce-mailbox`)).body;
      expect(view.status.lastError).toBe(poll.error);
      expect(JSON.stringify(view)).not.toMatch(/dovecot|IMAP4rev1|CAPABILITY/i);
    });

  if (policy === 'any')
    it("connects to a name resolving to 127.0.0.1 through mailroute's resolver", async () => {
      const before = imap!.connections();
      const poll = await pollAt(call, relayId, 'imap.sakura.test');
      expect(poll).toEqual({ ok: true, error: null, processed: 0, recorded: 0, unmatched: 0, notBounces: 0 });
      expect(imap!.connections()).toBeGreaterThan(before);
    });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

// Node reads NODE_EXTRA_CA_CERTS only when a process starts, so the mailroute that trusts the test CA
// is a process of its own (bin/mailroute start, from the build), driven through its API.
describe.skipIf(!imap)('bounce mailbox over TLS to a host name', () => {
  let proc: ReturnType<typeof startCli>;
  let url: string;
  let relayId: string;
  const call: Call = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-mailbox-tls-'));
    const caFile = join(dir, 'test-ca.pem');
    writeFileSync(caFile, (await testCertificates()).ca.cert);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    proc = startCli(['start'], {
      NODE_EXTRA_CA_CERTS: caFile,
      MAILROUTE_DATA_DIR: join(dir, 'data'),
      MAILROUTE_HTTP_PORT: String(port),
      MAILROUTE_BOUNCE_SMTP_HOST: '127.0.0.1',
      MAILROUTE_BOUNCE_SMTP_PORT: String(await freePort()),
      MAILROUTE_BOOTSTRAP_API_KEY: ADMIN_KEY,
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_LOG_LEVEL: 'warn',
    });
    await waitFor(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 20_000).catch(() => {
      throw new Error(`mailroute did not start:\n${proc.output()}`);
    });
    relayId = await relayWithMailbox(call);
  });
  afterAll(async () => {
    proc?.child.kill('SIGTERM');
    await proc?.exited;
  });

  it('connects to the checked address and verifies the certificate against the name', async () => {
    const tls = { port: imap!.tlsPort, security: 'ssl', verifyCertificate: true };
    // The certificate names relay.test (and 127.0.0.1): verified by name, the poll succeeds.
    expect(await pollAt(call, relayId, 'relay.test', tls)).toEqual({
      ok: true,
      error: null,
      processed: 0,
      recorded: 0,
      unmatched: 0,
      notBounces: 0,
    });
    // Another name for the same address is not in the certificate: refused, although the
    // certificate would pass for the address connected to.
    const before = imap!.connections();
    const wrongName = await pollAt(call, relayId, 'imap.sakura.test', tls);
    expect(wrongName.ok).toBe(false);
    expect(wrongName.error).toMatch(/imap\.sakura\.test/);
    expect(wrongName.error).toMatch(/altnames/i);
    expect(imap!.connections()).toBeGreaterThan(before);
  });
});
