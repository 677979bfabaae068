/**
 * Campaigns (issue 20): a mass email's counts in one call, by status and by route (relay, platform
 * fallback, platform); its recipients paged and searchable by address and by the subject after
 * merge fields; and the log filtered by campaign and searched by merged subject.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/databases.js';
import { settled, until } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-servers.js';

const names = ['田中 太郎', 'Sato Hanako', 'Suzuki Ichiro', 'Takahashi Jiro', 'Ito Saburo', 'Watanabe Shiro'];

describe.each(dialects)('campaigns on %s', (dialect) => {
  let t: TestApp;
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let relayId: string;
  let campaignId: string;
  let individualId: string;

  beforeAll(async () => {
    dns = await startDnsServer();
    smtp = await startSmtpServer({ mode: 'plain' });
    t = await startTestApp(dialect, {
      MAILROUTE_RELAY_PORTS: 'any',
      MAILROUTE_DOMAIN_VERIFICATION: 'off',
      MAILROUTE_DNS_SERVERS: dns.address,
      MAILROUTE_PLATFORM_SMTP: `smtp://127.0.0.1:${smtp.port}`,
    });
    const domain = await t.call('POST', '/api/v1/domains', { name: 'sakura.com' });
    const relay = await t.call('POST', '/api/v1/relays', {
      name: 'office',
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      dailyLimit: 2,
      domainId: domain.body.id,
      emailTypes: ['mass'],
      bounceHandling: { mode: 'address', address: 'bounce@sakura.com' },
    });
    expect(relay.status, JSON.stringify(relay.body)).toBe(201);
    relayId = relay.body.id;
    await t.call('POST', '/api/v1/suppressions', { address: 'gone@example.net' });
    const mass = await t.call('POST', '/api/v1/mass-emails', {
      from: 'news@sakura.com',
      subject: '{{name}} 様へのお知らせ',
      text: 'Hello {{name}}',
      recipients: [
        ...names.map((name, i) => ({ address: `r${i}@example.net`, fields: { name } })),
        { address: 'gone@example.net', fields: { name: 'Gone' } },
      ],
    });
    expect(mass.status, JSON.stringify(mass.body)).toBe(202);
    campaignId = mass.body.id;
    const individual = await t.call('POST', '/api/v1/messages', {
      type: 'individual',
      from: 'amelia@sakura.com',
      to: ['one@example.net'],
      subject: 'Hello {{name}}',
      text: 'Hi',
    });
    expect(individual.status, JSON.stringify(individual.body)).toBe(202);
    individualId = individual.body.id;
    await settled(t, individualId);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await dns?.close();
  });

  it('counts a mass email by status and by route in one call, and says when it is done', async () => {
    const done = await until(async () => {
      const res = await t.call('GET', `/api/v1/messages/${campaignId}/progress`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.done ? res.body : undefined;
    });
    expect(done).toMatchObject({
      id: campaignId,
      type: 'mass',
      subject: '{{name}} 様へのお知らせ',
      total: 7,
      statuses: { queued: 0, sending: 0, deferred: 0, sent: 6, suppressed: 1, bounced: 0, failed: 0 },
      routes: { relay: 2, fallback: 4, platform: 0 },
      relays: [{ id: relayId, name: 'office', count: 2 }],
    });
    const individual = await t.call('GET', `/api/v1/messages/${individualId}/progress`);
    expect(individual.body).toMatchObject({
      total: 1,
      done: true,
      routes: { relay: 0, fallback: 0, platform: 1 },
      relays: [],
    });
  });

  it('pages the recipients in the order they were submitted, each with its merged subject', async () => {
    const seen: { recipient: string; subject: string; routeKind: string | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await t.call(
        'GET',
        `/api/v1/messages/${campaignId}/deliveries?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((s) => s.recipient)).toEqual([
      ...names.map((_, i) => `r${i}@example.net`),
      'gone@example.net',
    ]);
    expect(seen.find((s) => s.recipient === 'r0@example.net')?.subject).toBe('田中 太郎 様へのお知らせ');
    expect(seen.find((s) => s.recipient === 'gone@example.net')).toMatchObject({
      subject: 'Gone 様へのお知らせ',
      routeKind: null,
    });
    expect(seen.filter((s) => s.routeKind === 'relay')).toHaveLength(2);
    expect(seen.filter((s) => s.routeKind === 'fallback')).toHaveLength(4);
  });

  it('finds recipients by merged subject or address, any case, and by status', async () => {
    const byName = await t.call(
      'GET',
      `/api/v1/messages/${campaignId}/deliveries?q=${encodeURIComponent('田中')}`,
    );
    expect(byName.body.items.map((i: { recipient: string }) => i.recipient)).toEqual(['r0@example.net']);
    const byCase = await t.call('GET', `/api/v1/messages/${campaignId}/deliveries?q=SATO`);
    expect(byCase.body.items.map((i: { recipient: string }) => i.recipient)).toEqual(['r1@example.net']);
    const byAddress = await t.call('GET', `/api/v1/messages/${campaignId}/deliveries?q=R2%40`);
    expect(byAddress.body.items.map((i: { recipient: string }) => i.recipient)).toEqual(['r2@example.net']);
    const wildcard = await t.call('GET', `/api/v1/messages/${campaignId}/deliveries?q=%25`);
    expect(wildcard.body.items).toEqual([]);
    const suppressed = await t.call('GET', `/api/v1/messages/${campaignId}/deliveries?status=suppressed`);
    expect(suppressed.body.items.map((i: { recipient: string }) => i.recipient)).toEqual([
      'gone@example.net',
    ]);
  });

  it('filters the log by campaign and searches the merged subject', async () => {
    const campaign = await t.call('GET', `/api/v1/messages?messageId=${campaignId}`);
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(200);
    expect(campaign.body.items).toHaveLength(7);
    expect(new Set(campaign.body.items.map((i: { messageId: string }) => i.messageId))).toEqual(
      new Set([campaignId]),
    );
    const named = await t.call('GET', `/api/v1/messages?subject=${encodeURIComponent('田中 太郎')}`);
    expect(named.body.items).toHaveLength(1);
    expect(named.body.items[0]).toMatchObject({
      messageId: campaignId,
      recipient: 'r0@example.net',
      subject: '田中 太郎 様へのお知らせ',
    });
    // Not a mass email: its tags are not merged, and the submitted subject is still found.
    const tags = await t.call('GET', `/api/v1/messages?subject=${encodeURIComponent('{{name}}')}`);
    expect(tags.body.items.map((i: { messageId: string }) => i.messageId)).toContain(individualId);
    const paged = await t.call('GET', `/api/v1/messages?messageId=${campaignId}&limit=4`);
    const rest = await t.call(
      'GET',
      `/api/v1/messages?messageId=${campaignId}&limit=4&cursor=${paged.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(3);
  });

  it('answers 404 for a message that is not there', async () => {
    for (const path of ['progress', 'deliveries']) {
      const res = await t.call('GET', `/api/v1/messages/msg_nothing/${path}`);
      expect(res.status).toBe(404);
    }
  });
});
