/**
 * One-click unsubscribe end to end (issue 17): mass email leaves through platform delivery to a
 * loopback MX carrying `List-Unsubscribe` and `List-Unsubscribe-Post`, both under a DKIM signature
 * that mailauth verifies; the link is posted over real HTTP with no credentials; the next mass
 * email skips the address while an individual email still reaches it. Forged tokens, GETs and the
 * `mailto:` path through the bounce listener are covered too.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { messageFor, settled, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const PUBLIC_URL = 'https://mail.sakura.example';

describe.each(dialects)('one-click unsubscribe on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let mx: TestSmtpServer;
  let bounceDomain: string;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
      'mx.example.net': { A: ['127.0.0.1'] },
    });
    mx = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: 'direct',
      MAILROUTE_DIRECT_PORT: String(mx.port),
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_PUBLIC_URL: PUBLIC_URL,
    });
    // Without a key of its own, the domain's mail carries the platform's signature.
    const d = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body;
    await t.app.ctx.store.db.deleteFrom('dkim_keys').where('domain_id', '=', d.id).execute();
    const dc = (await t.call('GET', '/api/v1/datacenters')).body.items[0];
    const shown = (await t.call('GET', `/api/v1/datacenters/${dc.id}/dkim`)).body;
    bounceDomain = shown.domain;
    dns.set(shown.dnsRecord.name, { TXT: [shown.dnsRecord.value] });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.close();
    await mx?.close();
  });

  /** Sends a mass email and returns each recipient's delivery (id and status) once settled. */
  async function massEmail(addresses: string[], headers?: Record<string, string>) {
    const res = await t.call('POST', '/api/v1/mass-emails', {
      from: 'amelia@sakura.com',
      subject: 'Spring sale',
      text: 'Hello {{name}}',
      recipients: addresses.map((address) => ({ address, fields: { name: 'friend' } })),
      ...(headers ? { headers } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const detail = await settled(t, res.body.id);
    return Object.fromEntries(
      detail.deliveries.map((d: { recipient: string; id: string; status: string }) => [d.recipient, d]),
    ) as Record<string, { id: string; status: string }>;
  }

  const headerOf = (raw: Buffer, name: string) =>
    new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, 'im')
      .exec(raw.toString('latin1'))?.[1]
      ?.replace(/\r\n[ \t]/g, ' ');
  const tokenOf = (raw: Buffer) => /\/u\/([a-z2-7-]+)>/.exec(headerOf(raw, 'List-Unsubscribe') ?? '')?.[1];
  const post = (
    token: string,
    body = 'List-Unsubscribe=One-Click',
    type = 'application/x-www-form-urlencoded',
  ) => fetch(`${t.url}/u/${token}`, { method: 'POST', headers: { 'content-type': type }, body });
  const suppressionsOf = async (address: string) =>
    (await t.call('GET', `/api/v1/suppressions?address=${encodeURIComponent(address)}`)).body.items;
  const unsubscribeEvents = async () =>
    t.app.ctx.store.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'recipient.unsubscribed')
      .execute();

  it('signs both headers on mass email, unsubscribes by one POST, and then only mass email skips the address', async () => {
    const first = await massEmail(['hana@example.net', 'ken@example.net']);
    const raw = messageFor(mx, first['hana@example.net']!.id)!;
    const token = tokenOf(raw)!;
    expect(token).toMatch(/^[a-z2-7]{26}-[a-z2-7]{16}$/);
    expect(headerOf(raw, 'List-Unsubscribe')).toBe(
      `<${PUBLIC_URL}/u/${token}>, <mailto:unsubscribe+${token}@${bounceDomain}>`,
    );
    expect(`unsubscribe+${token}`.length).toBeLessThanOrEqual(64);
    expect(raw.toString()).not.toMatch(/hana%40|aGFuYU/);
    expect(headerOf(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const h = /\bh=([^;]+);/.exec(headerOf(raw, 'DKIM-Signature')!)![1]!.replace(/\s/g, '').split(':');
    expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: bounceDomain, result: 'pass' }]);
    // Each delivery has its own token.
    expect(tokenOf(messageFor(mx, first['ken@example.net']!.id)!)).not.toBe(token);

    // RFC 8058: a POST with no credentials, from another origin, answers 200; twice is once.
    const res = await fetch(`${t.url}/u/${token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://mail.provider.example',
      },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect((await post(token)).status).toBe(200);
    expect(await suppressionsOf('hana@example.net')).toEqual([
      expect.objectContaining({
        address: 'hana@example.net',
        reason: 'unsubscribe',
        scope: 'mass',
        source: 'one-click',
      }),
    ]);
    const events = await unsubscribeEvents();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toMatchObject({
      deliveryId: first['hana@example.net']!.id,
      recipient: 'hana@example.net',
      source: 'one-click',
    });
    const byScope = (await t.call('GET', '/api/v1/suppressions?scope=mass')).body.items;
    expect(byScope.map((s: { address: string }) => s.address)).toContain('hana@example.net');
    expect((await t.call('GET', '/api/v1/suppressions?scope=all')).body.items).toEqual([]);

    const next = await massEmail(['hana@example.net', 'ken@example.net']);
    expect(next['hana@example.net']!.status).toBe('suppressed');
    expect(next['ken@example.net']!.status).toBe('sent');

    const individual = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['hana@example.net'],
      subject: 'Your receipt',
      text: 'Thank you',
    });
    expect(individual.status, JSON.stringify(individual.body)).toBe(202);
    const d = (await settled(t, individual.body.id)).deliveries[0];
    expect(d.status).toBe('sent');
    const received = messageFor(mx, d.id)!;
    expect(received.toString()).toContain('To: hana@example.net');
    // Individual mail carries no unsubscribe header.
    expect(headerOf(received, 'List-Unsubscribe')).toBeUndefined();
  });

  it('refuses forged and altered tokens and bad bodies, and changes nothing', async () => {
    const sent = await massEmail(['mika@example.net']);
    const token = tokenOf(messageFor(mx, sent['mika@example.net']!.id)!)!;
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    const altered = [
      `${token.slice(0, -1)}${last}`,
      `${token[0] === 'a' ? 'b' : 'a'}${token.slice(1)}`,
      'aaaaaaaaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaa',
      'not-a-token',
    ];
    for (const forged of altered) {
      expect((await post(forged)).status, forged).toBe(404);
      expect((await fetch(`${t.url}/u/${forged}`)).status, forged).toBe(404);
    }
    const bad = await post(token, 'List-Unsubscribe=Yes');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('List-Unsubscribe');
    expect((await post(token, '')).status).toBe(400);
    expect(await suppressionsOf('mika@example.net')).toEqual([]);
    // RFC 8058 allows multipart/form-data too.
    const multipart =
      '--b1\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b1--\r\n';
    expect((await post(token, multipart, 'multipart/form-data; boundary=b1')).status).toBe(200);
    expect(await suppressionsOf('mika@example.net')).toHaveLength(1);
    // Rate-limited per token (10 a minute), then open again a minute later by the clock.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(token)).status);
    // One POST so far counted (the multipart one; refused bodies are not): nine more pass.
    expect(statuses).toEqual([...Array(9).fill(200), 429]);
    t.clock.advance(60_000);
    expect((await post(token)).status).toBe(200);
    expect(await unsubscribeEvents()).toHaveLength(2);
  });

  it('shows a page on GET, in Japanese or English, that changes nothing', async () => {
    const sent = await massEmail(['yui@example.net']);
    const token = tokenOf(messageFor(mx, sent['yui@example.net']!.id)!)!;
    const ja = await fetch(`${t.url}/u/${token}`, { headers: { 'accept-language': 'ja,en;q=0.8' } });
    expect(ja.status).toBe(200);
    expect(ja.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ja.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const jaHtml = await ja.text();
    expect(jaHtml).toContain('lang="ja"');
    expect(jaHtml).toContain('配信を停止する');
    expect(jaHtml).not.toContain('yui@');
    const en = await (await fetch(`${t.url}/u/${token}`, { headers: { 'accept-language': 'en-GB' } })).text();
    expect(en).toContain('>Unsubscribe</button>');
    expect(await suppressionsOf('yui@example.net')).toEqual([]);
  });

  it('unsubscribes by a mail to the mailto address at the bounce listener', async () => {
    const sent = await massEmail(['sora@example.net']);
    const raw = messageFor(mx, sent['sora@example.net']!.id)!;
    const mailto = /<mailto:([^>]+)>/.exec(headerOf(raw, 'List-Unsubscribe')!)![1]!;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.bounces!.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      const forged = mailto.replace(/-([a-z2-7])/, (_, c: string) => `-${c === 'a' ? 'b' : 'a'}`);
      await expect(
        transport.sendMail({
          envelope: { from: 'sora@example.net', to: [forged] },
          raw: 'Subject: unsubscribe\r\n\r\n',
        }),
      ).rejects.toThrow(/550 5\.1\.1/);
      expect(await suppressionsOf('sora@example.net')).toEqual([]);
      const info = await transport.sendMail({
        envelope: { from: 'sora@example.net', to: [mailto] },
        raw: `From: sora@example.net\r\nTo: ${mailto}\r\nSubject: unsubscribe\r\n\r\n`,
      });
      expect(info.response).toMatch(/^250/);
    } finally {
      transport.close();
    }
    expect(await suppressionsOf('sora@example.net')).toEqual([
      expect.objectContaining({ reason: 'unsubscribe', scope: 'mass', source: 'mailto' }),
    ]);
  });

  it("keeps the submitter's own List-Unsubscribe, with the Post header only for an https URL", async () => {
    const own = await massEmail(['riku@example.net'], {
      'List-Unsubscribe': '<https://crm.sakura.com/unsub/42>',
    });
    const raw = messageFor(mx, own['riku@example.net']!.id)!;
    expect(headerOf(raw, 'List-Unsubscribe')).toBe('<https://crm.sakura.com/unsub/42>');
    expect(headerOf(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await verifyDkim(raw, dns.address)).toEqual([{ domain: bounceDomain, result: 'pass' }]);
    const mailOnly = await massEmail(['nao@example.net'], {
      'List-Unsubscribe': '<mailto:leave@sakura.com>',
    });
    const raw2 = messageFor(mx, mailOnly['nao@example.net']!.id)!;
    expect(headerOf(raw2, 'List-Unsubscribe')).toBe('<mailto:leave@sakura.com>');
    expect(headerOf(raw2, 'List-Unsubscribe-Post')).toBeUndefined();
  });

  it('adds the headers to workflow mail when the org setting says so', async () => {
    const send = async () => {
      const res = await t.call('POST', '/api/v1/messages', {
        type: 'workflow',
        from: 'amelia@sakura.com',
        to: ['aoi@example.net'],
        subject: 'Reminder',
        text: 'Hi',
      });
      const d = (await settled(t, res.body.id)).deliveries[0];
      return messageFor(mx, d.id)!;
    };
    expect(headerOf(await send(), 'List-Unsubscribe')).toBeUndefined();
    expect((await t.call('PATCH', '/api/v1/settings', { workflowUnsubscribe: true })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // org state is cached for a second
    const raw = await send();
    expect(headerOf(raw, 'List-Unsubscribe')).toMatch(
      /^<https:\/\/mail\.sakura\.example\/u\/[a-z2-7-]+>, <mailto:/,
    );
    expect(headerOf(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });
});

describe('a public URL that is not https', () => {
  it('is warned about at start, naming what mass email then lacks', async () => {
    const plain = await startTestApp('sqlite');
    try {
      const warning = plain.logs.find((l) => l.includes('"event":"config.public_url_not_https"'));
      expect(warning).toContain('List-Unsubscribe-Post');
    } finally {
      await plain.close();
    }
    const secure = await startTestApp('sqlite', { MAILROUTE_PUBLIC_URL: 'https://mail.sakura.example' });
    try {
      expect(secure.logs.join('')).not.toContain('public_url_not_https');
    } finally {
      await secure.close();
    }
  });
});
