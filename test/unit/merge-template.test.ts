// Personalized mass mail composed once per message with marks, each delivery stamping its values:
// what a recipient receives must be what a full composition gives, and values that an encoding
// would change are composed in full.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, MimeTemplates } from '../../src/delivery/compose.js';
import type { MessageContent } from '../../src/schemas/messages.js';

const date = new Date('2026-11-28T03:00:00Z');
const long = 'a long line of text that goes on. '.repeat(40);

const contents: [string, MessageContent][] = [
  [
    'short lines (7bit)',
    {
      from: 'news@sakura.com',
      to: [],
      cc: [],
      subject: 'Hello {{name}}',
      text: 'Dear {{name}},\nhello.',
      html: '<p>Dear {{ name }}</p>',
    },
  ],
  [
    'long lines (quoted-printable)',
    {
      from: 'news@sakura.com',
      to: [],
      cc: [],
      subject: 'Hello {{name}} and {{city}}',
      text: `Dear {{name}},\n${long}\n{{city}}`,
      html: `<p>Dear {{name}}</p>\n<p>${long}</p>`,
    },
  ],
  [
    'a mark split by a soft line break (composed in full)',
    { from: 'news@sakura.com', to: [], cc: [], subject: 'Hi', text: `${long}{{name}}` },
  ],
  [
    'non-Latin text (base64: always composed in full)',
    {
      from: 'news@sakura.com',
      to: [],
      cc: [],
      subject: 'こんにちは {{name}}',
      text: 'こんにちは {{name}} さん、ようこそ。',
    },
  ],
];

const values = ['Ann', 'Bob & <Co>', 'x'.repeat(90), '', 'trailing ', 'Zoë', 'a=b', 42];

describe('personalized templates', () => {
  it.each(contents)('%s: each delivery reads as its full composition', async (_name, content) => {
    const templates = new MimeTemplates();
    for (const [i, v] of values.entries()) {
      const d = {
        deliveryId: `dlv_${i}`,
        fromDomain: 'sakura.com',
        date,
        personalization: { to: `r${i}@example.net`, fields: { name: v, city: `City ${i}` } },
      };
      const parts = await templates.composeParts('msg_1', content, d);
      const raw = Buffer.concat([parts.head, parts.body]);
      expect(raw.toString('latin1')).not.toMatch(/Mrg[0-9a-f]{12}/);
      for (const line of raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      const got = await simpleParser(raw);
      const want = await simpleParser(await composeMime(content, d));
      expect(got.subject).toBe(want.subject);
      expect(got.text).toBe(want.text);
      expect(got.html).toBe(want.html);
      expect(got.messageId).toBe(`<dlv_${i}@sakura.com>`);
      expect((got.to as { text: string }).text).toBe(`r${i}@example.net`);
      expect(raw.toString('latin1')).not.toMatch(/(?<!\r)\n/);
    }
  });

  it.each(contents.slice(0, 2))('%s: plain values are stamped into one composition', async (_n, content) => {
    const templates = new MimeTemplates();
    const boundaries = new Set<string>();
    for (const name of ['Ann', 'Bob & <Co>', 'Carol']) {
      const d = {
        deliveryId: `dlv_${name}`,
        fromDomain: 'sakura.com',
        date,
        personalization: { fields: { name, city: 'Kyoto' } },
      };
      const head = (await templates.composeParts('msg_3', content, d)).head.toString('latin1');
      const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
      expect(boundary).toBeDefined();
      boundaries.add(boundary!);
    }
    expect(boundaries.size).toBe(1);
  });

  it('a quoted-printable line stays within 76 characters, or the delivery is composed in full', async () => {
    const templates = new MimeTemplates();
    const content = contents[1]![1];
    const d = {
      deliveryId: 'dlv_long',
      fromDomain: 'sakura.com',
      date,
      personalization: { fields: { name: 'y'.repeat(120) } },
    };
    const parts = await templates.composeParts('msg_2', content, d);
    const body = parts.body.toString('latin1');
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });
});
