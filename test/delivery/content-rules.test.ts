import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, userSession } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { messageFor, settled, verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

describe.each(dialects)('content rules on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let platform: TestSmtpServer;

  beforeAll(async () => {
    dns = await startDnsServer();
    platform = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${platform.port}`,
    });
    const d = (await t.call('POST', '/api/v1/domains', { name: 'sakura.com' })).body;
    dns.set(d.verification.name, { TXT: [d.verification.value] });
    dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
    expect((await t.call('POST', `/api/v1/domains/${d.id}/verify`)).body.domain.verified).toBe(true);
  });
  afterAll(async () => {
    await t.close();
    await platform.close();
    await dns.close();
  });

  const rule = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', '/api/v1/content-rules', { name: 'rule', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const clearRules = async () => {
    for (const r of (await t.call('GET', '/api/v1/content-rules')).body.items)
      expect((await t.call('DELETE', `/api/v1/content-rules/${r.id}`)).status).toBe(204);
  };
  /** Sends, waits, and returns each delivery's MIME as the platform received it, by recipient. */
  const sent = async (path: string, body: Record<string, unknown>) => {
    const res = await t.call('POST', path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const detail = await settled(t, res.body.id);
    const out = new Map<string, Buffer>();
    for (const d of detail.deliveries) {
      expect(d.status).toBe('sent');
      out.set(d.recipient, messageFor(platform, d.id)!);
    }
    return { id: res.body.id as string, detail, out };
  };
  const parsed = async (raw: Buffer) => {
    const m = await simpleParser(raw);
    return { text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' };
  };

  it('is managed by admins, read by members, validated and audited', async () => {
    const created = await rule({
      name: 'Legal footer',
      position: 'footer',
      text: 'Sakura Corp.',
      emailTypes: ['mass', 'mass'],
      recipientDomains: ['Example.ORG.'],
    });
    expect(created).toMatchObject({
      position: 'footer',
      html: null,
      emailTypes: ['mass'],
      recipientDomains: ['example.org'],
      order: 100,
      enabled: true,
    });
    const member = await userSession(t, 'member');
    const asMember = (method: string, path: string, body?: unknown) =>
      t.call(method, path, body, null, { cookie: member });
    expect((await asMember('GET', '/api/v1/content-rules')).body.items).toHaveLength(1);
    expect((await asMember('GET', `/api/v1/content-rules/${created.id}`)).status).toBe(200);
    expect((await asMember('PATCH', `/api/v1/content-rules/${created.id}`, { order: 1 })).status).toBe(403);
    expect((await asMember('DELETE', `/api/v1/content-rules/${created.id}`)).status).toBe(403);
    expect(
      (
        await asMember('POST', '/api/v1/content-rules', {
          name: 'x',
          position: 'notice',
          text: 'x',
          emailTypes: ['mass'],
        })
      ).status,
    ).toBe(403);

    const patched = await t.call('PATCH', `/api/v1/content-rules/${created.id}`, {
      html: '<p>Sakura <b>Corp.</b></p>',
      order: 5,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ html: '<p>Sakura <b>Corp.</b></p>', order: 5 });

    const invalid = await t.call('POST', '/api/v1/content-rules', {
      name: 'bad',
      position: 'top',
      text: '',
      html: '<p>unclosed <b>bold</p>',
      emailTypes: [],
      recipientDomains: ['not a domain'],
    });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual([
      'emailTypes',
      'html',
      'position',
      'recipientDomains.0',
      'text',
    ]);
    expect(invalid.body.error.fields.html).toContain('</p>');
    expect(
      (await t.call('PATCH', `/api/v1/content-rules/${created.id}`, { html: '<script>x</script>' })).body
        .error.fields.html,
    ).toContain('<script>');
    expect((await t.call('PATCH', '/api/v1/content-rules/crl_missing', { order: 1 })).status).toBe(404);

    await clearRules();
    const audit = (await t.call('GET', '/api/v1/audit-log?limit=10')).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(['content_rule.create', 'content_rule.update', 'content_rule.delete']),
    );
  });

  it('adds a footer for mass email only to mass email, after the merged body, and archives it as sent', async () => {
    await rule({
      name: 'Unsubscribe',
      position: 'footer',
      text: 'To stop these mails, reply STOP, {{name}}.',
      html: '<p style="color:#666">To stop these mails, reply <b>STOP</b>, {{name}}.</p>',
      emailTypes: ['mass'],
    });
    const mass = await sent('/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: 'News for {{name}}',
      text: 'Dear {{name}}, news.',
      html: '<html><body><p>Dear {{name}}, news.</p></body></html>',
      recipients: [
        { address: 'ann@example.net', fields: { name: 'Ann <b>' }, notice: 'You asked for this.' },
        { address: 'bob@example.net' },
      ],
    });
    const ann = await parsed(mass.out.get('ann@example.net')!);
    expect(ann.text).toBe(
      'You asked for this.\n\nDear Ann <b>, news.\n\nTo stop these mails, reply STOP, Ann <b>.',
    );
    expect(ann.html).toContain('<body>\n<p>You asked for this.</p><p>Dear Ann &#60;b&#62;, news.</p>');
    expect(ann.html).toContain(
      '<div class="mailroute-footer"><p style="color:#666">To stop these mails, reply <b>STOP</b>, Ann &#60;b&#62;.</p></div>\n</body></html>',
    );
    // Bob has no merge fields: his copy comes from the message's one template, footer included.
    const bob = await parsed(mass.out.get('bob@example.net')!);
    expect(bob.text).toBe('Dear , news.\n\nTo stop these mails, reply STOP, .');

    const individual = await sent('/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['carol@example.net'],
      subject: 'Hi',
      text: 'Just me.',
      html: '<p>Just me.</p>',
    });
    const carol = await parsed(individual.out.get('carol@example.net')!);
    expect(carol.text).toBe('Just me.');
    expect(carol.html).not.toContain('STOP');

    // The archive holds exactly what went out, footer and DKIM signature included.
    const delivery = mass.detail.deliveries.find(
      (d: { recipient: string }) => d.recipient === 'ann@example.net',
    );
    const raw = await fetch(`${t.url}/api/v1/messages/${mass.id}/raw?delivery=${delivery.id}`, {
      headers: { authorization: 'Bearer test-admin-key-0123456789' },
    });
    expect(raw.status).toBe(200);
    const archived = Buffer.from(await raw.arrayBuffer());
    expect(archived.equals(mass.out.get('ann@example.net')!)).toBe(true);
    expect((await parsed(archived)).text).toContain('reply STOP, Ann <b>.');
    expect(await verifyDkim(archived, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    await clearRules();
  });

  it('applies a recipient-domain rule only to recipients at that domain, each copy signed', async () => {
    await rule({
      name: 'Partner notice',
      position: 'notice',
      text: 'CONFIDENTIAL: for <partners> & staff only.',
      emailTypes: ['workflow', 'individual'],
      recipientDomains: ['partner.example'],
      order: 2,
    });
    await rule({
      name: 'Everyone footer',
      position: 'footer',
      text: 'Sakura Corp., Chennai',
      emailTypes: ['workflow'],
      order: 1,
    });
    const m = await sent('/api/v1/messages', {
      type: 'workflow',
      from: 'amelia@sakura.com',
      to: ['pat@partner.example', 'joe@example.net'],
      cc: ['sam@sales.partner.example'],
      subject: 'Quote',
      text: 'The quote.',
      html: '<p>The quote.</p>',
    });
    for (const who of ['pat@partner.example', 'sam@sales.partner.example']) {
      const p = await parsed(m.out.get(who)!);
      expect(p.text, who).toBe(
        'CONFIDENTIAL: for <partners> & staff only.\n\nThe quote.\n\nSakura Corp., Chennai',
      );
      expect(p.html, who).toBe(
        '<div class="mailroute-notice">CONFIDENTIAL: for &#60;partners&#62; &#38; staff only.</div>\n' +
          '<p>The quote.</p>\n<div class="mailroute-footer">Sakura Corp., Chennai</div>',
      );
    }
    const joe = await parsed(m.out.get('joe@example.net')!);
    expect(joe.text).toBe('The quote.\n\nSakura Corp., Chennai');
    expect(joe.html).not.toContain('CONFIDENTIAL');
    for (const [who, raw] of m.out)
      expect(await verifyDkim(raw, dns.address), who).toEqual([{ domain: 'sakura.com', result: 'pass' }]);

    // A disabled rule no longer applies to new mail.
    const rules = (await t.call('GET', '/api/v1/content-rules')).body.items;
    for (const r of rules) await t.call('PATCH', `/api/v1/content-rules/${r.id}`, { enabled: false });
    const later = await sent('/api/v1/messages', {
      type: 'workflow',
      from: 'amelia@sakura.com',
      to: ['pat@partner.example'],
      subject: 'Later',
      text: 'Plain.',
    });
    expect((await parsed(later.out.get('pat@partner.example')!)).text.trim()).toBe('Plain.');
    await clearRules();
  });
});
