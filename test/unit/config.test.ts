import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { configSchema, settingDocs } from '../../src/config/schema.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mailroute-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('serves with no settings at all, on the documented defaults', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe(resolve('./data'));
    expect(c.database).toEqual({ kind: 'sqlite', path: resolve('./data/mailroute.db') });
    expect(c.platformSmtp).toEqual({ kind: 'direct' });
    expect(c.bounceSmtpPort).toBe(2525);
    expect(c.bounceSmtpLimits).toEqual({
      maxConnections: 200,
      maxConnectionsPerAddress: 20,
      commandTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
    });
    expect(c.relayPorts).toEqual([25, 465, 587]);
    expect(c.relayHosts).toBe('any');
    expect(c.timeZone).toBe('Asia/Tokyo');
    expect(c.defaultPlan).toBe('standard');
    // The seed: at most 5 domains on every plan; 3 relays per domain on standard, 5 on top.
    expect(c.plans).toEqual([
      { name: 'standard', dailyLimit: 5000, maxDomains: 5, maxRelaysPerDomain: 3 },
      { name: 'top', dailyLimit: 50000, maxDomains: 5, maxRelaysPerDomain: 5 },
    ]);
    expect(c.dataCenters).toHaveLength(1);
    expect(c.domainVerification).toBe('dns');
    expect(c.dnsServers).toEqual([]);
  });

  it('is frozen all the way down', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(Object.isFrozen(c.plans[0])).toBe(true);
    expect(() => {
      (c.http as { port: number }).port = 1;
    }).toThrow();
  });

  it('documents exactly the keys the schema reads', () => {
    const documented = settingDocs.map((d) => d.key);
    // MAILROUTE_CONFIG names the file the other keys may come from: load.ts reads it first.
    const read = ['MAILROUTE_CONFIG', ...Object.keys(configSchema.shape)];
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it.each([
    [{ MAILROUTE_HTTP_PORT: 'eighty' }, 'MAILROUTE_HTTP_PORT'],
    [
      { MAILROUTE_HTTP_PORT: '70000' },
      'MAILROUTE_HTTP_PORT: MAILROUTE_HTTP_PORT must be between 1 and 65535',
    ],
    [{ MAILROUTE_RELAY_PORTS: '25,abc' }, 'MAILROUTE_RELAY_PORTS: must be `any` or a comma-separated list'],
    [{ MAILROUTE_RELAY_HOSTS: 'private' }, 'MAILROUTE_RELAY_HOSTS: must be `any` or `public-only`'],
    [{ MAILROUTE_TIMEZONE: 'Mars/Olympus' }, 'MAILROUTE_TIMEZONE: must be an IANA time zone'],
    [{ MAILROUTE_PLATFORM_SMTP: 'mx' }, 'MAILROUTE_PLATFORM_SMTP: must be `direct` or `smtp://host:port`'],
    [{ MAILROUTE_DOMAIN_VERIFICATION: 'maybe' }, 'MAILROUTE_DOMAIN_VERIFICATION: must be `dns` or `off`'],
    [
      { MAILROUTE_DEFAULT_PLAN: 'gold' },
      'MAILROUTE_DEFAULT_PLAN: "gold" is not a plan; allowed: standard, top',
    ],
    [
      { MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: 'not-an-email' },
      'MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: must be an email address',
    ],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL: must be a postgres:// URL'],
    [{ MAILROUTE_LOG_LEVEL: 'loud' }, 'MAILROUTE_LOG_LEVEL: must be one of'],
    [{ MAILROUTE_BOUNCE_MAX_CONNECTIONS: '0' }, 'MAILROUTE_BOUNCE_MAX_CONNECTIONS: must be between 1'],
    [
      { MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP: '2.5' },
      'MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP: must be a whole',
    ],
    [
      { MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS: '0' },
      'MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS: must be a positive',
    ],
    [
      { MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS: '7200' },
      'MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS: must be at most 3600',
    ],
  ])('refuses %o with a message naming the key', (env, expected) => {
    expect(problemsOf(env).join('\n')).toContain(expected);
  });

  it('reports every wrong key at once', () => {
    const problems = problemsOf({ MAILROUTE_HTTP_PORT: 'x', MAILROUTE_RELAY_HOSTS: 'y' });
    expect(problems.some((p) => p.startsWith('MAILROUTE_HTTP_PORT'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MAILROUTE_RELAY_HOSTS'))).toBe(true);
  });

  it('never echoes a secret value in its error', () => {
    const problems = problemsOf({ MAILROUTE_BOOTSTRAP_API_KEY: 'short-secret' });
    expect(problems.join('\n')).toContain('MAILROUTE_BOOTSTRAP_API_KEY: must be at least 16 characters');
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('parses relay ports, `any`, DNS servers, smarthosts and database URLs', () => {
    const c = loadConfig({
      MAILROUTE_RELAY_PORTS: '587, 25,2525,25',
      MAILROUTE_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2',
      MAILROUTE_PLATFORM_SMTP: 'smtps://smarthost.example:4650',
      DATABASE_URL: 'postgres://u@127.0.0.1/db',
    });
    expect(c.relayPorts).toEqual([25, 587, 2525]);
    expect(c.dnsServers).toEqual(['127.0.0.1:5353', '127.0.0.2']);
    expect(c.platformSmtp).toEqual({
      kind: 'smarthost',
      host: 'smarthost.example',
      port: 4650,
      secure: true,
    });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1/db' });
    expect(loadConfig({ MAILROUTE_RELAY_PORTS: 'any' }).relayPorts).toBe('any');
    expect(loadConfig({ MAILROUTE_PLATFORM_SMTP: 'smtp://127.0.0.1' }).platformSmtp).toEqual({
      kind: 'smarthost',
      host: '127.0.0.1',
      port: 25,
      secure: false,
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      kind: 'sqlite',
      path: '/tmp/x.db',
    });
  });

  it('runs one delivery process on SQLite and several on PostgreSQL unless told', () => {
    expect(loadConfig({}).workerProcesses).toBe(1);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' }).workerProcesses).toBeGreaterThanOrEqual(
      1,
    );
    expect(loadConfig({ MAILROUTE_WORKER_PROCESSES: '3' }).workerProcesses).toBe(3);
    expect(problemsOf({ MAILROUTE_WORKER_PROCESSES: '0' }).join()).toContain(
      'MAILROUTE_WORKER_PROCESSES: must be `auto` or a whole number from 1 to 32',
    );
  });

  it('reads a config file, and the environment wins over it', () => {
    const dir = tmp();
    const file = join(dir, 'mailroute.json');
    writeFileSync(
      file,
      JSON.stringify({
        MAILROUTE_HTTP_PORT: 9000,
        MAILROUTE_TIMEZONE: 'UTC',
        MAILROUTE_BOUNCE_SMTP_PORT: 2626,
      }),
    );
    const c = loadConfig({ MAILROUTE_CONFIG: file, MAILROUTE_HTTP_PORT: '9100' });
    expect(c.http.port).toBe(9100);
    expect(c.timeZone).toBe('UTC');
    expect(c.bounceSmtpPort).toBe(2626);
  });

  it('refuses unknown keys in the config file and an unreadable file', () => {
    const dir = tmp();
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ MAILROUTE_HTTP_PROT: 1 }));
    expect(problemsOf({ MAILROUTE_CONFIG: file }).join()).toContain('unknown setting "MAILROUTE_HTTP_PROT"');
    expect(problemsOf({ MAILROUTE_CONFIG: join(dir, 'missing.json') }).join()).toContain(
      'MAILROUTE_CONFIG: cannot read JSON',
    );
  });

  it('warns about unknown MAILROUTE_ variables', () => {
    expect(loadConfig({ MAILROUTE_HTTP_PROT: '1' }).warnings).toEqual([
      'unknown setting MAILROUTE_HTTP_PROT is ignored',
    ]);
  });

  it('loads plans and data centers from JSON files and checks them', () => {
    const dir = tmp();
    const plans = join(dir, 'plans.json');
    writeFileSync(
      plans,
      JSON.stringify([{ name: 'tiny', dailyLimit: 10, maxDomains: 1, maxRelaysPerDomain: 1 }]),
    );
    const dcs = join(dir, 'dcs.json');
    writeFileSync(
      dcs,
      JSON.stringify([
        { id: 'jp', name: 'Japan', egress: ['203.0.113.0/24'], bounceDomain: 'bounce.example.jp' },
      ]),
    );
    const c = loadConfig({
      MAILROUTE_PLANS: plans,
      MAILROUTE_DEFAULT_PLAN: 'tiny',
      MAILROUTE_DATACENTERS: dcs,
    });
    expect(c.plans).toEqual([{ name: 'tiny', dailyLimit: 10, maxDomains: 1, maxRelaysPerDomain: 1 }]);
    expect(c.dataCenters[0]?.id).toBe('jp');

    writeFileSync(
      plans,
      JSON.stringify([{ name: 'tiny', dailyLimit: 0, maxDomains: 1, maxRelaysPerDomain: 1 }]),
    );
    expect(problemsOf({ MAILROUTE_PLANS: plans, MAILROUTE_DEFAULT_PLAN: 'tiny' }).join()).toContain(
      'MAILROUTE_PLANS: [0].dailyLimit must be at least 1',
    );
    writeFileSync(
      dcs,
      JSON.stringify([
        { id: 'jp', name: 'Japan', egress: ['not a range'], bounceDomain: 'bounce.example.jp' },
      ]),
    );
    expect(problemsOf({ MAILROUTE_DATACENTERS: dcs }).join()).toContain(
      'MAILROUTE_DATACENTERS: [0].egress[0] must be an IPv4 or IPv6 address or CIDR range without host bits',
    );
    chmodSync(dcs, 0o644);
  });
});
