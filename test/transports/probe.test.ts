import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateVerdict,
  type ProbeDeps,
  type ProbeIssue,
  type ProbeResult,
  type ProbeTarget,
  probeExplanations,
  probeRelay,
} from '../../src/transports/probe/index.js';
import {
  closedPort,
  type SilentServer,
  startSilentServer,
  startSmtpServer,
  type TestCertificates,
  type TestSmtpServer,
  testCertificates,
} from '../helpers/smtp-servers.js';

const alice = { type: 'password', username: 'alice', password: 'correct horse' } as const;
const token = 'ya29.test-access-token';

function resolver(names: Record<string, string[]>): ProbeDeps['resolve'] {
  return async (host) => {
    const found = names[host];
    if (found) return found;
    throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
}

const deps: ProbeDeps = { resolve: resolver({ 'relay.test': ['127.0.0.1'] }) };

type ServerName =
  | 'implicit'
  | 'starttls'
  | 'loginOnly'
  | 'plain'
  | 'plainAuth'
  | 'selfSigned'
  | 'expired'
  | 'wrongName'
  | 'refusesSender'
  | 'refusesConnection';

let certs: TestCertificates;
const servers = {} as Record<ServerName, TestSmtpServer>;
let silent: SilentServer;
let closed: number;

beforeAll(async () => {
  certs = await testCertificates();
  const auth = { username: 'alice', password: 'correct horse', accessToken: token };
  const started = await Promise.all([
    startSmtpServer({ mode: 'implicit-tls', auth }),
    startSmtpServer({ mode: 'starttls', auth }),
    startSmtpServer({ mode: 'starttls', auth, authMethods: ['LOGIN'] }),
    startSmtpServer({ mode: 'plain' }),
    startSmtpServer({ mode: 'plain', auth }),
    startSmtpServer({ mode: 'implicit-tls', certificate: 'selfSigned' }),
    startSmtpServer({ mode: 'implicit-tls', certificate: 'expired' }),
    startSmtpServer({ mode: 'implicit-tls', certificate: 'wrongName' }),
    startSmtpServer({ mode: 'starttls', refuseSender: { pattern: /@forbidden\.test$/ } }),
    startSmtpServer({ mode: 'plain', refuseConnection: { code: 554, message: 'No SMTP service here' } }),
  ]);
  const names: ServerName[] = [
    'implicit',
    'starttls',
    'loginOnly',
    'plain',
    'plainAuth',
    'selfSigned',
    'expired',
    'wrongName',
    'refusesSender',
    'refusesConnection',
  ];
  names.forEach((name, i) => {
    servers[name] = started[i]!;
  });
  silent = await startSilentServer();
  closed = await closedPort();
});

afterAll(async () => {
  await Promise.all([...Object.values(servers).map((s) => s.close()), silent?.close()]);
});

function target(server: ServerName, overrides: Partial<ProbeTarget>): ProbeTarget {
  return {
    host: '127.0.0.1',
    port: servers[server].port,
    security: 'none',
    verifyCertificate: true,
    auth: { type: 'none' },
    mailFrom: 'probe@sakura.test',
    timeoutMs: 3_000,
    ...overrides,
  };
}

function names(result: ProbeResult): string {
  return result.steps.map((s) => `${s.step}${s.ok ? '' : '!'}`).join(' ');
}

interface Case {
  name: string;
  server: ServerName;
  target: () => Partial<ProbeTarget>;
  /** Step names in order; the failed one marked with `!`. */
  steps: string;
  issue?: ProbeIssue;
  reply?: RegExp;
  detail?: RegExp;
  verdict?: CertificateVerdict;
  warning?: ProbeIssue;
  /** The commands the server received, in order. */
  commands?: string[];
}

const cases: Case[] = [
  {
    name: 'passes every step over implicit TLS with a certificate from a private CA trusted via caCertificate',
    server: 'implicit',
    target: () => ({ host: 'relay.test', security: 'ssl', auth: alice, caCertificate: certs.ca.cert }),
    steps: 'dns tcp tls ehlo auth mail',
    verdict: 'valid',
    reply: /^250/,
    commands: ['EHLO', 'AUTH', 'MAIL', 'RSET', 'QUIT'],
  },
  {
    name: 'passes every step with STARTTLS',
    server: 'starttls',
    target: () => ({ host: 'relay.test', security: 'tls', auth: alice, caCertificate: certs.ca.cert }),
    steps: 'dns tcp tls ehlo auth mail',
    verdict: 'valid',
    commands: ['EHLO', 'STARTTLS', 'EHLO', 'AUTH', 'MAIL', 'RSET', 'QUIT'],
  },
  {
    name: 'authenticates with XOAUTH2 and the given access token',
    server: 'starttls',
    target: () => ({
      security: 'tls',
      caCertificate: certs.ca.cert,
      auth: { type: 'oauth2', user: 'alice', accessToken: token },
    }),
    steps: 'dns tcp tls ehlo auth mail',
    detail: /XOAUTH2 as alice/,
  },
  {
    name: 'uses LOGIN when the server does not offer PLAIN',
    server: 'loginOnly',
    target: () => ({ security: 'tls', caCertificate: certs.ca.cert, auth: alice }),
    steps: 'dns tcp tls ehlo auth mail',
    detail: /LOGIN as alice/,
  },
  {
    name: 'passes without TLS and without authentication, with no tls and no auth step',
    server: 'plain',
    target: () => ({}),
    steps: 'dns tcp ehlo mail',
    commands: ['EHLO', 'MAIL', 'RSET', 'QUIT'],
  },
  {
    name: 'warns that security none leaves mail unencrypted on a server offering STARTTLS',
    server: 'starttls',
    target: () => ({ auth: { type: 'none' } }),
    steps: 'dns tcp ehlo mail!',
    issue: 'auth-required',
    warning: 'starttls-available',
  },
  {
    name: 'stops at tls when the server does not offer STARTTLS',
    server: 'plain',
    target: () => ({ security: 'tls' }),
    steps: 'dns tcp tls!',
    issue: 'starttls-not-offered',
    reply: /^250-/,
    commands: ['EHLO', 'QUIT'],
  },
  {
    name: 'fails at auth with 535 for a wrong password',
    server: 'starttls',
    target: () => ({
      security: 'tls',
      caCertificate: certs.ca.cert,
      auth: { type: 'password', username: 'alice', password: 'wrong' },
    }),
    steps: 'dns tcp tls ehlo auth!',
    issue: 'auth-failed',
    reply: /^535/,
  },
  {
    name: 'fails at auth with 535 for a refused access token',
    server: 'starttls',
    target: () => ({
      security: 'tls',
      caCertificate: certs.ca.cert,
      auth: { type: 'oauth2', user: 'alice', accessToken: 'expired-token' },
    }),
    steps: 'dns tcp tls ehlo auth!',
    issue: 'auth-failed',
    reply: /^535/,
    detail: /"status":"401"/,
  },
  {
    name: 'explains that a password needs an encrypted connection',
    server: 'starttls',
    target: () => ({ auth: alice }),
    steps: 'dns tcp ehlo auth!',
    issue: 'auth-needs-tls',
    reply: /^538/,
  },
  {
    name: 'authenticates over plain text where the server allows it',
    server: 'plainAuth',
    target: () => ({ auth: alice }),
    steps: 'dns tcp ehlo auth mail',
    commands: ['EHLO', 'AUTH', 'MAIL', 'RSET', 'QUIT'],
  },
  {
    name: 'explains that the relay wants authentication when none is configured',
    server: 'plainAuth',
    target: () => ({}),
    steps: 'dns tcp ehlo mail!',
    issue: 'auth-required',
    reply: /^530/,
  },
  {
    name: 'fails at tcp when the port is closed',
    server: 'plain',
    target: () => ({ port: closed }),
    steps: 'dns tcp!',
    issue: 'connection-refused',
    detail: /ECONNREFUSED/,
  },
  {
    name: 'fails at tls on a self-signed certificate when verifying',
    server: 'selfSigned',
    target: () => ({ host: 'relay.test', security: 'ssl' }),
    steps: 'dns tcp tls!',
    issue: 'certificate-self-signed',
    verdict: 'self-signed',
    commands: [],
  },
  {
    name: 'passes a self-signed certificate without verification and still states the verdict',
    server: 'selfSigned',
    target: () => ({ host: 'relay.test', security: 'ssl', verifyCertificate: false }),
    steps: 'dns tcp tls ehlo mail',
    verdict: 'self-signed',
    warning: 'verification-off',
  },
  {
    name: 'passes a self-signed certificate pinned with caCertificate',
    server: 'selfSigned',
    target: () => ({ host: 'relay.test', security: 'ssl', caCertificate: certs.selfSigned.cert }),
    steps: 'dns tcp tls ehlo mail',
    verdict: 'valid',
  },
  {
    name: 'reports a certificate from an unknown CA as untrusted',
    server: 'implicit',
    target: () => ({ host: 'relay.test', security: 'ssl' }),
    steps: 'dns tcp tls!',
    issue: 'certificate-untrusted',
    verdict: 'untrusted',
    detail: /issuer CN=mailroute test CA/,
  },
  {
    name: 'fails at tls on an expired certificate',
    server: 'expired',
    target: () => ({ host: 'relay.test', security: 'ssl', caCertificate: certs.ca.cert }),
    steps: 'dns tcp tls!',
    issue: 'certificate-expired',
    verdict: 'expired',
    detail: /valid .* to \d{4}-/,
  },
  {
    name: 'reports expiry first when the CA is unknown as well',
    server: 'expired',
    target: () => ({ host: 'relay.test', security: 'ssl' }),
    steps: 'dns tcp tls!',
    issue: 'certificate-expired',
    verdict: 'expired',
    detail: /certificate expired; .*OpenSSL CERT_HAS_EXPIRED/,
  },
  {
    name: 'fails at tls when caCertificate is not a PEM certificate',
    server: 'implicit',
    target: () => ({ security: 'ssl', caCertificate: 'not a certificate' }),
    steps: 'dns tcp tls!',
    issue: 'ca-certificate-invalid',
  },
  {
    name: 'fails at tls on a certificate for another name',
    server: 'wrongName',
    target: () => ({ host: 'relay.test', security: 'ssl', caCertificate: certs.ca.cert }),
    steps: 'dns tcp tls!',
    issue: 'certificate-wrong-name',
    verdict: 'wrong-name',
    detail: /DNS:other\.example/,
  },
  {
    name: 'fails at tls when ssl is used on a STARTTLS port',
    server: 'starttls',
    target: () => ({ security: 'ssl', timeoutMs: 1_000 }),
    steps: 'dns tcp tls!',
    issue: 'tls-wrong-mode',
    detail: /^ERR_SSL_WRONG_VERSION_NUMBER: wrong version number$/m,
  },
  {
    name: 'fails at tcp with no greeting when tls is used on an implicit TLS port',
    server: 'implicit',
    target: () => ({ security: 'tls', timeoutMs: 500 }),
    steps: 'dns tcp!',
    issue: 'no-greeting',
  },
  {
    name: 'fails at tcp when the server refuses the session with 554',
    server: 'refusesConnection',
    target: () => ({}),
    steps: 'dns tcp!',
    issue: 'greeting-refused',
    reply: /^554 .*No SMTP service here/,
  },
  {
    name: 'fails at mail when the server refuses the sender',
    server: 'refusesSender',
    target: () => ({ mailFrom: 'someone@forbidden.test' }),
    steps: 'dns tcp ehlo mail!',
    issue: 'mail-from-refused',
    reply: /^550/,
    commands: ['EHLO', 'MAIL', 'QUIT'],
  },
  {
    name: 'fails at dns when the name does not resolve',
    server: 'plain',
    target: () => ({ host: 'nowhere.test' }),
    steps: 'dns!',
    issue: 'dns-not-found',
    detail: /ENOTFOUND/,
  },
  {
    name: 'binds to the given local address',
    server: 'plain',
    target: () => ({ localAddress: '127.0.0.2' }),
    steps: 'dns tcp ehlo mail',
    detail: /from 127\.0\.0\.2:\d+/,
  },
  {
    name: 'fails at tcp when the local address is not on this machine',
    server: 'plain',
    target: () => ({ localAddress: '192.0.2.1' }),
    steps: 'dns tcp!',
    issue: 'bind-failed',
  },
];

describe('probeRelay against real SMTP servers on loopback', () => {
  it.each(cases)('$name', async (c) => {
    const server = servers[c.server];
    const before = server.received.commands.length;
    const started = Date.now();
    const result = await probeRelay(target(c.server, c.target()), deps);
    const elapsed = Date.now() - started;
    expect(names(result)).toBe(c.steps);
    expect(result.ok).toBe(!c.steps.includes('!'));
    const last = result.steps.at(-1)!;
    if (c.issue && !last.ok) {
      expect(last.issue).toBe(c.issue);
      expect(last.explanation).toEqual(probeExplanations[c.issue]);
    }
    if (c.reply) expect(last.reply).toMatch(c.reply);
    if (c.detail) expect(result.steps.map((s) => s.detail).join('\n')).toMatch(c.detail);
    if (c.verdict) expect(result.steps.find((s) => s.step === 'tls')?.certificate?.verdict).toBe(c.verdict);
    if (c.warning) {
      const warned = result.steps.find((s) => s.ok && s.issue === c.warning);
      expect(warned?.explanation?.en).toContain(probeExplanations[c.warning].en);
    }
    if (c.commands) expect(server.received.commands.slice(before)).toEqual(c.commands);
    // Timed on the real clock here: the steps run one after another inside the call.
    expect(result.steps.reduce((sum, s) => sum + s.ms, 0)).toBeLessThanOrEqual(elapsed);
  });

  it('reports an IP address host as a dns step that needed no lookup', async () => {
    const result = await probeRelay(target('plain', {}), {
      resolve: () => Promise.reject(new Error('must not be called')),
    });
    expect(result.steps[0]).toMatchObject({
      step: 'dns',
      ok: true,
      detail: expect.stringMatching(/no lookup/),
    });
  });

  it('names the certificate problem in the warning when verification is off', async () => {
    const result = await probeRelay(
      target('selfSigned', { host: 'relay.test', security: 'ssl', verifyCertificate: false }),
      deps,
    );
    const tls = result.steps.find((s) => s.step === 'tls')!;
    expect(tls.explanation?.en).toContain(probeExplanations['certificate-self-signed'].en);
    expect(tls.explanation?.ja).toContain(probeExplanations['certificate-self-signed'].ja);
    expect(tls.detail).toMatch(/certificate self-signed; subject CN=localhost; issuer CN=localhost/);
  });

  it('lists the capabilities in the ehlo detail', async () => {
    const result = await probeRelay(
      target('starttls', { security: 'tls', caCertificate: certs.ca.cert, auth: alice }),
      deps,
    );
    expect(result.steps.find((s) => s.step === 'ehlo')?.detail).toMatch(
      /capabilities: .*AUTH PLAIN LOGIN XOAUTH2/,
    );
  });

  it('fails at tls within the timeout when ssl meets a server that never answers', async () => {
    const result = await probeRelay(
      { ...target('plain', { security: 'ssl', timeoutMs: 300 }), port: silent.port },
      deps,
    );
    expect(names(result)).toBe('dns tcp tls!');
    expect(result.steps[2]?.issue).toBe('tls-timeout');
    expect(silent.bytesReceived()).toBeGreaterThan(0);
  });

  it('fails at tcp with no greeting when the server never greets', async () => {
    const started = Date.now();
    const result = await probeRelay({ ...target('plain', { timeoutMs: 300 }), port: silent.port }, deps);
    expect(names(result)).toBe('dns tcp!');
    expect(result.steps[1]?.issue).toBe('no-greeting');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails at dns when the resolver fails or does not answer in time', async () => {
    const servfail = () =>
      Promise.reject(Object.assign(new Error('queryA ESERVFAIL x'), { code: 'ESERVFAIL' }));
    const never = () => new Promise<string[]>(() => {});
    for (const resolve of [servfail, never]) {
      const result = await probeRelay(target('plain', { host: 'relay.test', timeoutMs: 200 }), { resolve });
      expect(names(result)).toBe('dns!');
      expect(result.steps[0]?.issue).toBe('dns-failed');
    }
  });

  it('refuses addresses the deployment does not allow', async () => {
    const result = await probeRelay(target('plain', { host: 'relay.test' }), {
      ...deps,
      allowAddress: (address) => !address.startsWith('127.'),
    });
    expect(names(result)).toBe('dns!');
    expect(result.steps[0]?.issue).toBe('address-not-allowed');
  });

  it('times each step with the injected clock', async () => {
    let t = Date.now();
    const result = await probeRelay(target('plain', {}), { ...deps, now: () => (t += 7) });
    expect(result.steps.map((s) => s.ms)).toEqual([7, 7, 7, 7]);
    // The tls step reads the clock once more, for the certificate's validity dates.
    const secure = await probeRelay(
      target('implicit', { host: 'relay.test', security: 'ssl', auth: alice, caCertificate: certs.ca.cert }),
      { ...deps, now: () => (t += 7) },
    );
    expect(secure.steps.map((s) => [s.step, s.ms])).toEqual([
      ['dns', 7],
      ['tcp', 7],
      ['tls', 14],
      ['ehlo', 7],
      ['auth', 7],
      ['mail', 7],
    ]);
  });

  it('rejects a target that would inject commands', async () => {
    await expect(
      probeRelay(target('plain', { mailFrom: 'a@b.test>\r\nRCPT TO:<x@y.test' }), deps),
    ).rejects.toThrow(RangeError);
  });

  it('never said RCPT TO or DATA to any server', () => {
    for (const server of Object.values(servers)) {
      expect(server.received.rcptTo).toEqual([]);
      expect(server.received.messages).toEqual([]);
      expect(server.received.commands.filter((c) => c === 'RCPT' || c === 'DATA')).toEqual([]);
    }
  });
});

describe('the probe explanation table', () => {
  it.each(Object.entries(probeExplanations))('explains %s in Japanese and English', (_issue, text) => {
    expect(text.en.length).toBeGreaterThan(20);
    expect(text.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });
});
