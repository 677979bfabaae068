import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerDnsCommand } from '../../src/cli/commands/dns.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

const DATACENTERS = join(import.meta.dirname, '..', 'fixtures', 'datacenters', 'auth-check.json');

describe('mailroute dns check', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let relayId: string;
  const saved = { ...process.env };

  async function run(args: string[]): Promise<{ lines: string[]; exitCode: number | undefined }> {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    try {
      const program = new Command().exitOverride();
      registerDnsCommand(program);
      await program.parseAsync(['node', 'mailroute', 'dns', 'check', ...args]);
      return { lines, exitCode: process.exitCode as number | undefined };
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  }

  beforeAll(async () => {
    dns = await startDnsServer({
      'bounces.mailroute.test': { TXT: ['v=spf1 ip4:127.0.100.0/24 -all'] },
      'smtp.relay-provider.test': { A: ['127.0.2.10'] },
      '_dmarc.sakura.test': { TXT: ['v=DMARC1; p=reject'] },
    });
    const env = {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_DATACENTERS: DATACENTERS,
      MAILROUTE_RELAY_PORTS: 'any',
    };
    t = await startTestApp('sqlite', env);
    Object.assign(process.env, env, { MAILROUTE_DATA_DIR: t.dataDir, MAILROUTE_LOG_LEVEL: 'error' });
    const d = (await t.call('POST', '/api/v1/domains', { name: 'sakura.test' })).body;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    await t.call('POST', `/api/v1/domains/${d.id}/verify`);
  });
  afterAll(async () => {
    process.env = saved;
    await t.close();
    await dns.close();
  });

  it('checks platform delivery of a domain without relays: signed with its own key, DMARC passes', async () => {
    const { lines, exitCode } = await run(['sakura.test', '--json']);
    expect(lines).toHaveLength(1);
    const c = JSON.parse(lines[0]!);
    expect(c).toMatchObject({
      relay: null,
      domain: 'sakura.test',
      hops: [{ from: 'platform', to: 'recipient', spf: { result: 'pass', ip: '127.0.100.1' } }],
      dkim: { signing: true, domain: 'sakura.test', aligned: true, record: { valid: true } },
      dmarc: { policy: 'reject', result: 'pass' },
    });
    expect(exitCode).toBe(0);
  });

  it('checks a relay, in words, and exits 1 when receivers would reject the mail', async () => {
    const domainId = (await t.call('GET', '/api/v1/domains')).body.items[0].id;
    const created = await t.call('POST', '/api/v1/relays', {
      name: 'Server 1',
      host: 'smtp.relay-provider.test',
      port: 587,
      security: 'tls',
      dailyLimit: 100,
      domainId,
      emailTypes: ['mass'],
      dkimSigning: false,
    });
    relayId = created.body.id;
    const { lines, exitCode } = await run(['Sakura.TEST', '--relay', relayId]);
    const text = lines.join('\n');
    expect(text).toContain(`sakura.test through relay "Server 1" (smtp.relay-provider.test, ${relayId})`);
    expect(text).toMatch(/SPF relay → recipient\s+fail\s+bounces\.mailroute\.test for 127\.0\.2\.10/);
    expect(text).toContain('DMARC         fail (p=reject)');
    expect(text).toContain('ERROR   dkim_signing_off: DKIM signing is off for this relay');
    expect(exitCode).toBe(1);
    const ja = await run(['sakura.test', '--relay', relayId, '--lang', 'ja']);
    expect(ja.lines.join('\n')).toContain('リレーの設定で「DKIM認証」をオンにしてください');
  });

  it('refuses a domain no org has, and a relay of another domain', async () => {
    await expect(run(['unknown.test'])).rejects.toThrow('domain unknown.test not found');
    await expect(run(['sakura.test', '--relay', 'rly_other'])).rejects.toThrow('not found');
  });
});
