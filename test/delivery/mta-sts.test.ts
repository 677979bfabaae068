/**
 * Issue 21, part 3: MTA-STS (RFC 8461) for direct delivery, against a loopback DNS server and a
 * loopback HTTPS server with certificates of a private CA generated now. `enforce`: mail goes only
 * to the MX the policy names, over verified TLS; with an MX outside the policy it is deferred and
 * never sent in clear. `testing`: delivered as usual, logged. No policy: opportunistic STARTTLS.
 * Each attempt records its TLS version and whether the certificate was verified.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import {
  certificateFor,
  type MxServer,
  type PolicyServer,
  portFreeOn,
  startMxServer,
  startPolicyServer,
} from '../helpers/mta-sts.js';
import { testCertificates } from '../helpers/smtp-servers.js';

const GOOD = '127.0.0.2';
const CLEAR = '127.0.0.3';
const WRONG_CERT = '127.0.0.4';

const policy = (mode: string, mx: string[]) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\r\n');

describe.each(dialects)('MTA-STS on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let https: PolicyServer;
  let good: MxServer;
  let clear: MxServer;
  let wrongCert: MxServer;

  beforeAll(async () => {
    const domains = ['enforced.test', 'outside.test', 'badcert.test', 'testing.test', 'nopolicy.test'];
    https = await startPolicyServer(domains);
    https.policies.set('enforced.test', policy('enforce', ['*.enforced.test']));
    https.policies.set('outside.test', policy('enforce', ['mx.outside.test']));
    https.policies.set('badcert.test', policy('enforce', ['mx.badcert.test']));
    https.policies.set('testing.test', policy('testing', ['mx.testing.test']));
    const zones: Record<string, Parameters<TestDnsServer['set']>[1]> = {
      // enforced.test: a backup MX outside the policy, preferred first, and the named one.
      'enforced.test': {
        MX: [
          { exchange: 'backup.elsewhere.test', priority: 5 },
          { exchange: 'mx1.enforced.test', priority: 10 },
        ],
      },
      'backup.elsewhere.test': { A: [CLEAR] },
      'mx1.enforced.test': { A: [GOOD] },
      // outside.test: its only MX is not the one its policy names.
      'outside.test': { MX: [{ exchange: 'mail.elsewhere.test', priority: 10 }] },
      'mail.elsewhere.test': { A: [CLEAR] },
      // badcert.test: the named MX, with a certificate for another name.
      'badcert.test': { MX: [{ exchange: 'mx.badcert.test', priority: 10 }] },
      'mx.badcert.test': { A: [WRONG_CERT] },
      'testing.test': { MX: [{ exchange: 'mail.elsewhere.test', priority: 10 }] },
      'nopolicy.test': { MX: [{ exchange: 'mx1.enforced.test', priority: 10 }] },
    };
    for (const d of domains.filter((d) => d !== 'nopolicy.test')) {
      zones[`_mta-sts.${d}`] = { TXT: ['v=STSv1; id=20261203'] };
      zones[`mta-sts.${d}`] = { A: ['127.0.0.1'] };
    }
    dns = await startDnsServer(zones);
    const port = await portFreeOn([GOOD, CLEAR, WRONG_CERT]);
    good = await startMxServer(GOOD, port, await certificateFor(['mx1.enforced.test']));
    clear = await startMxServer(CLEAR, port, undefined);
    wrongCert = await startMxServer(WRONG_CERT, port, await certificateFor(['other.example']));
    const caFile = join(mkdtempSync(join(tmpdir(), 'mailroute-sts-')), 'ca.pem');
    writeFileSync(caFile, (await testCertificates()).ca.cert);
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(port),
      MAILROUTE_MTA_STS_TEST_PORT: String(https.port),
      MAILROUTE_MTA_STS_TEST_CA: caFile,
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
    });
    await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([dns?.close(), https?.close(), good?.close(), clear?.close(), wrongCert?.close()]);
  });

  async function send(to: string) {
    const res = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: [to],
      subject: 'Hello',
      text: 'Hi',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return (await settled(t, res.body.id)).deliveries[0];
  }

  it('enforce: only to the MX the policy names, over verified TLS', async () => {
    const clearBefore = clear.connections;
    const d = await send('a@enforced.test');
    expect(d.status).toBe('sent');
    expect(good.messages).toHaveLength(1);
    expect(good.secureSessions).toEqual([true]);
    // The preferred backup MX outside the policy was never contacted.
    expect(clear.connections).toBe(clearBefore);
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ action: 'sent', tlsVerified: true });
    expect(d.attempts[0].tlsVersion).toMatch(/^TLSv1\.[23]$/);
    // The policy is cached in the database for every worker, until its max_age.
    const row = await t.app.ctx.store.db
      .selectFrom('mta_sts_policies')
      .selectAll()
      .where('domain', '=', 'enforced.test')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ policy_id: '20261203', mode: 'enforce', max_age: 86400 });
    expect(Number(row.expires_at)).toBe(Number(row.fetched_at) + 86_400_000);
    const fetches = https.fetches.filter((h) => h === 'mta-sts.enforced.test').length;
    expect((await send('b@enforced.test')).status).toBe('sent');
    expect(https.fetches.filter((h) => h === 'mta-sts.enforced.test').length).toBe(fetches);
  });

  it('enforce with an MX outside the policy: deferred, never sent in clear', async () => {
    const before = clear.connections;
    const d = await send('a@outside.test');
    expect(d).toMatchObject({ status: 'deferred', lastStatus: '4.7.5' });
    expect(d.attempts[0]).toMatchObject({ action: 'defer', ruleId: 'mx.mta-sts-mismatch', host: null });
    expect(d.lastReply).toContain('MTA-STS policy of outside.test (enforce) names none of its MX hosts');
    expect(clear.connections).toBe(before);
  });

  it('enforce with a certificate that does not verify: deferred, nothing sent', async () => {
    const d = await send('a@badcert.test');
    expect(d.status).toBe('deferred');
    expect(d.attempts[0].ruleId).toMatch(/^tls\./);
    expect(wrongCert.messages).toHaveLength(0);
  });

  it('testing: delivered as usual, and what enforce would have refused is logged', async () => {
    const before = clear.messages.length;
    const d = await send('a@testing.test');
    expect(d.status).toBe('sent');
    expect(clear.messages.length).toBe(before + 1);
    // In clear (the receiver offers no STARTTLS), as the attempt records it.
    expect(d.attempts[0]).toMatchObject({ tlsVersion: null, tlsVerified: false });
    const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'mta_sts.testing_would_refuse');
    expect(logged).toMatchObject({ domain: 'testing.test', hosts: ['mail.elsewhere.test'] });
  });

  it('no policy: opportunistic STARTTLS, the certificate not required to verify', async () => {
    const d = await send('a@nopolicy.test');
    expect(d.status).toBe('sent');
    expect(good.secureSessions.at(-1)).toBe(true);
    expect(d.attempts[0]).toMatchObject({ tlsVerified: false });
    expect(d.attempts[0].tlsVersion).toMatch(/^TLSv1\.[23]$/);
  });
});
