/**
 * `bin/mailroute dns platform-key`: prints the record of the platform's DKIM key per data center,
 * the same record the API shows, whichever of the two made the key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { dialects } from '../helpers/databases.js';

describe.each(dialects)('mailroute dns platform-key on %s', (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    const dcs = join(mkdtempSync(join(tmpdir(), 'mailroute-dc-')), 'dcs.json');
    writeFileSync(
      dcs,
      JSON.stringify([
        { id: 'lab', name: 'Lab', egress: ['127.0.0.0/8'], bounceDomain: 'bounces.lab.example' },
        { id: 'lab2', name: 'Lab 2', egress: ['127.0.0.0/8'], bounceDomain: 'bounces.lab2.example' },
      ]),
    );
    t = await startTestApp(dialect, { MAILROUTE_DATACENTERS: dcs });
    const db = t.app.ctx.config.database;
    env = {
      MAILROUTE_DATA_DIR: t.dataDir,
      MAILROUTE_DATACENTERS: dcs,
      MAILROUTE_LOG_LEVEL: 'error',
      ...(db.kind === 'postgres' ? { DATABASE_URL: db.url } : {}),
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('makes the key of a data center when asked first, and the API then shows that key', async () => {
    const r = await runCli(['dns', 'platform-key', '--datacenter', 'lab2', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    expect(printed).toMatchObject({
      dataCenter: 'lab2',
      domain: 'bounces.lab2.example',
      algorithm: 'rsa-2048',
      dnsRecord: { type: 'TXT', name: `${printed.selector}._domainkey.bounces.lab2.example` },
    });
    expect(printed.dnsRecord.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    expect((await t.call('GET', '/api/v1/datacenters/lab2/dkim')).body).toEqual(printed);
  });

  it('prints every data center’s record in words, the same the API shows', async () => {
    const lab = (await t.call('GET', '/api/v1/datacenters/lab/dkim')).body;
    const lab2 = (await t.call('GET', '/api/v1/datacenters/lab2/dkim')).body;
    const r = await runCli(['dns', 'platform-key'], env);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split(/(?=^data center )/m);
    expect(blocks).toHaveLength(2);
    for (const [block, k] of [
      [blocks[0]!, lab],
      [blocks[1]!, lab2],
    ] as const) {
      expect(block).toContain(`data center ${k.dataCenter}: platform delivery signs as d=${k.domain}`);
      expect(block).toContain(`  selector   ${k.selector}\n`);
      expect(block).toContain(`  algorithm  rsa-2048\n`);
      expect(block).toContain(`  type       TXT\n`);
      expect(block).toContain(`  name       ${k.dnsRecord.name}\n`);
      expect(block).toContain(`  value      ${k.dnsRecord.value}\n`);
    }
  });

  it('refuses a data center that is not configured', async () => {
    const r = await runCli(['dns', 'platform-key', '--datacenter', 'mars'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('mailroute: data center "mars" not found');
    expect(r.stdout).toBe('');
  });
});
