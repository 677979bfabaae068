import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, MimeTemplates, merge } from '../../src/delivery/compose.js';
import { prepare } from '../../src/delivery/prepare.js';
import type { MessageContent } from '../../src/schemas/messages.js';
import type { DeliveriesTable, MessagesTable } from '../../src/store/schema.js';

const content: MessageContent = {
  from: '"Sakura News" <news@sakura.com>',
  to: [],
  cc: [],
  subject: 'Hello {{name}}',
  text: 'Dear {{name}},\nhello.',
  html: '<p>Dear {{name}}</p>',
};
const date = new Date('2026-11-28T03:00:00Z');

describe('composing deliveries', () => {
  it('stamps each delivery into a message composed once, as a full composition would', async () => {
    const templates = new MimeTemplates();
    const a = await simpleParser(
      await templates.compose('msg_1', content, {
        deliveryId: 'dlv_a',
        fromDomain: 'sakura.com',
        date,
        personalization: { to: 'a@example.net' },
      }),
    );
    const b = await simpleParser(
      await templates.compose('msg_1', content, {
        deliveryId: 'dlv_b',
        fromDomain: 'sakura.com',
        date,
        personalization: { to: 'b@example.net' },
      }),
    );
    const full = await simpleParser(
      await composeMime(content, {
        deliveryId: 'dlv_b',
        fromDomain: 'sakura.com',
        date,
        personalization: { to: 'b@example.net' },
      }),
    );
    expect(a.messageId).toBe('<dlv_a@sakura.com>');
    expect(b.messageId).toBe('<dlv_b@sakura.com>');
    expect(a.headers.get('x-mailroute-delivery')).toBe('dlv_a');
    expect(b.headers.get('x-mailroute-delivery')).toBe('dlv_b');
    expect((a.to as { text: string }).text).toBe('a@example.net');
    expect((b.to as { text: string }).text).toBe('b@example.net');
    expect([b.subject, b.text, b.html, b.from?.text, b.date?.toISOString()]).toEqual([
      full.subject,
      full.text,
      full.html,
      full.from?.text,
      full.date?.toISOString(),
    ]);
  });

  it('composes in full when the recipient has merge fields, a notice or a display name', async () => {
    const templates = new MimeTemplates();
    const merged = await simpleParser(
      await templates.compose('msg_2', content, {
        deliveryId: 'dlv_c',
        fromDomain: 'sakura.com',
        date,
        personalization: { to: 'c@example.net', fields: { name: 'Ann <b>' }, notice: 'You subscribed.' },
      }),
    );
    expect(merged.subject).toBe('Hello Ann <b>');
    expect(merged.text).toContain('You subscribed.\n\nDear Ann <b>,');
    expect(merged.html).toContain('Dear Ann &#60;b&#62;');
    const named = await simpleParser(
      await templates.compose('msg_2', content, {
        deliveryId: 'dlv_d',
        fromDomain: 'sakura.com',
        date,
        personalization: { to: '"Dan" <d@example.net>' },
      }),
    );
    expect((named.to as { text: string }).text).toBe('"Dan" <d@example.net>');
  });

  it.each([
    ['plain text', 'Hi {{name}}', { name: 'A&B' }, false, 'Hi A&B'],
    [
      'HTML escapes the value',
      '<b>{{ name }}</b>',
      { name: '<i>x</i>' },
      true,
      '<b>&#60;i&#62;x&#60;/i&#62;</b>',
    ],
    ['unknown fields become empty', 'Hi {{missing}}!', {}, false, 'Hi !'],
  ])('merges fields: %s', (_name, template, fields, html, expected) => {
    expect(merge(template, fields, html)).toBe(expected);
  });

  it('tells the transport the Message-ID the prepared message carries', async () => {
    const m = {
      id: 'msg_p',
      from_domain: 'sakura.com',
      created_at: date.getTime(),
      content: JSON.stringify(content),
    } as MessagesTable;
    const d = { id: 'dlv_p', recipient_domain: 'example.net', personalization: null } as DeliveriesTable;
    const prepared = await prepare(m, d, undefined, 'bounce@sakura.com', date.getTime());
    expect(prepared.messageId).toBe('<dlv_p@sakura.com>');
    expect((await simpleParser(prepared.raw)).messageId).toBe(prepared.messageId);
  });
});
