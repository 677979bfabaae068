/**
 * Real data for the tests that walk every console page: two sending domains with DKIM keys (one
 * with every record published on the loopback DNS server, one whose DKIM record is not), three
 * relays, sent mail of the three kinds, bounces, suppressions, a content rule, webhook endpoints,
 * a member, API keys, and the audit entries all of that writes.
 */
import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { settled } from '../helpers/delivery.js';
import type { TestDnsServer } from '../helpers/dns-server.js';

export interface ConsoleSeed {
  relayId: string;
  domains: { published: string; unpublished: string };
  messages: { workflow: string; individual: string; mass: string; bounced: string };
}

/** A sending domain whose names run long, as a Japanese company's subdomains do. */
export const LONG_DOMAIN = 'newsletter.sakura-shoten-online.co.jp';

async function created(t: TestApp, path: string, body: unknown) {
  const res = await t.call('POST', path, body);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** A domain whose verification record is published (and checked), and its DKIM record if `dkim`. */
async function domain(t: TestApp, dns: TestDnsServer, name: string, dkim: boolean) {
  const d = await created(t, '/api/v1/domains', { name });
  dns.set(d.verification.name, { TXT: [d.verification.value] });
  if (dkim) dns.set(d.dkim.dnsRecord.name, { TXT: [d.dkim.dnsRecord.value] });
  const verified = await t.call('POST', `/api/v1/domains/${d.id}/verify`);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return d.id as string;
}

async function send(t: TestApp, type: 'workflow' | 'individual', from: string, to: string, subject: string) {
  const res = await created(t, '/api/v1/messages', {
    type,
    from,
    to: [to],
    subject,
    text: 'いつもご利用ありがとうございます。',
  });
  const detail = await settled(t, res.id);
  return { messageId: res.id as string, deliveryId: detail.deliveries[0].id as string };
}

/**
 * Seeds the org of `t`. The relays point at `smtpPort` on loopback; the DNS server gets the records
 * of `sakura.com` (all published) and LONG_DOMAIN (verification only).
 */
export async function seedConsole(t: TestApp, dns: TestDnsServer, smtpPort: number): Promise<ConsoleSeed> {
  const published = await domain(t, dns, 'sakura.com', true);
  dns.set('sakura.com', { TXT: ['v=spf1 ip4:127.0.0.0/8 ~all'] });
  dns.set('_dmarc.sakura.com', { TXT: ['v=DMARC1; p=none; rua=mailto:dmarc-reports@sakura.com'] });
  const unpublished = await domain(t, dns, LONG_DOMAIN, false);

  const relay = await created(t, '/api/v1/relays', {
    name: 'Office relay',
    host: '127.0.0.1',
    port: smtpPort,
    security: 'none',
    dailyLimit: 500,
    domainId: published,
    emailTypes: ['workflow', 'individual'],
  });
  await created(t, '/api/v1/relays', {
    name: 'メルマガ配信サーバー（大量送信・キャンペーン用）',
    host: '127.0.0.1',
    port: smtpPort,
    security: 'none',
    dailyLimit: 5000,
    domainId: unpublished,
    emailTypes: ['mass'],
  });
  const spare = await created(t, '/api/v1/relays', {
    name: 'backup',
    host: '127.0.0.1',
    port: smtpPort,
    security: 'none',
    dailyLimit: 3,
    domainId: published,
    emailTypes: ['workflow'],
  });
  await t.call('POST', `/api/v1/relays/${spare.id}/disable`);

  const workflow = await send(
    t,
    'workflow',
    'info@sakura.com',
    'yamada.taro@example.net',
    'ご注文を承りました',
  );
  const individual = await send(
    t,
    'individual',
    'sales@sakura.com',
    'a-very-long-recipient-address.for-testing@customer-mail.example.org',
    'お見積もりの件（株式会社さくら商店 営業部より、長い件名のテスト）',
  );
  const bounced = await send(
    t,
    'workflow',
    'info@sakura.com',
    'gone@example.net',
    'パスワード再設定のご案内',
  );
  await created(t, '/api/v1/bounces', {
    deliveryId: bounced.deliveryId,
    recipient: 'gone@example.net',
    status: '5.1.1',
    diagnosticCode:
      '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
  });
  const mass = await created(t, '/api/v1/mass-emails', {
    from: `news@${LONG_DOMAIN}`,
    subject: '{{name}}様へ 12月のお知らせ',
    text: '{{name}}様\n\n今月のお知らせです。',
    recipients: [
      { address: 'hanako@example.net', fields: { name: '花子' } },
      { address: 'ichiro@example.org', fields: { name: '一郎' } },
      { address: 'jiro@example.com', fields: { name: '次郎' } },
    ],
  });
  await settled(t, mass.id);

  await created(t, '/api/v1/suppressions', { address: 'unsubscribed-customer@example.net' });
  await created(t, '/api/v1/content-rules', {
    name: '個人情報保護方針のフッター',
    position: 'footer',
    text: '個人情報の取り扱いについては https://www.sakura.com/privacy-policy/ をご覧ください。',
    emailTypes: ['workflow', 'individual', 'mass'],
    recipientDomains: ['example.net'],
  });
  // Disabled, so that no event is sent to it.
  await created(t, '/api/v1/webhooks/endpoints', {
    url: 'http://127.0.0.1:9/mailroute/events/delivery-and-bounce-notifications',
    events: ['delivery.sent', 'delivery.bounced', 'delivery.failed', 'relay.suspended'],
    enabled: false,
  });
  await created(t, '/api/v1/users', {
    email: 'suzuki.hanako@sakura.com',
    name: '鈴木 花子',
    role: 'member',
    password: 'member password 123',
  });
  await created(t, '/api/v1/api-keys', { name: 'CRM ワークフロー連携（本番環境）', role: 'send' });

  return {
    relayId: relay.id,
    domains: { published, unpublished },
    messages: {
      workflow: workflow.messageId,
      individual: individual.messageId,
      mass: mass.id,
      bounced: bounced.messageId,
    },
  };
}
