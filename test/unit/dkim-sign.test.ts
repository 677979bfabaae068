import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MimeTemplates } from '../../src/delivery/compose.js';
import { relaxedBody, relaxedHeader } from '../../src/dkim/canonical.js';
import { type DkimAlgorithm, dkimRecordName, dkimRecordValue, generateDkimKey } from '../../src/dkim/keys.js';
import { signMessage, signParts } from '../../src/dkim/sign.js';
import { verifyDkim } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

const messages: [string, string][] = [
  [
    'a plain message',
    'From: a@sakura.com\r\nTo: b@example.net\r\nSubject: Hello\r\nMessage-ID: <1@sakura.com>\r\n\r\nHi there.\r\n',
  ],
  [
    'folded headers, tabs and trailing spaces',
    'From: "Amelia"\r\n\t<a@sakura.com>\r\nTo:   b@example.net  \r\nSubject: A  long\r\n  subject\twith\t tabs \r\n\r\nLine  with   spaces   \r\n\r\n\r\n',
  ],
  ['an empty body', 'From: a@sakura.com\r\nSubject: empty\r\n\r\n'],
  ['a body without a final line break', 'From: a@sakura.com\r\nSubject: x\r\n\r\nno newline at the end'],
  [
    '8-bit header text',
    'From: a@sakura.com\r\nSubject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?=\r\nX-Mailroute-Delivery: dlv_x\r\n\r\n\u00e9t\u00e9\r\n',
  ],
];

describe('DKIM signing', () => {
  let dns: TestDnsServer;
  const keys: Record<DkimAlgorithm, { selector: string; privateKeyPem: string }> = {} as never;
  beforeAll(async () => {
    dns = await startDnsServer();
    for (const algorithm of ['rsa-2048', 'ed25519'] as const) {
      const k = generateDkimKey(algorithm);
      const selector = `s-${algorithm}`;
      dns.set(dkimRecordName(selector, 'sakura.com'), { TXT: [dkimRecordValue(algorithm, k.publicKey)] });
      keys[algorithm] = { selector, privateKeyPem: k.privateKeyPem };
    }
  });
  afterAll(async () => {
    await dns.close();
  });

  for (const algorithm of ['rsa-2048', 'ed25519'] as const) {
    it.each(messages)(`${algorithm}: mailauth verifies the signature of %s`, async (_name, text) => {
      const raw = Buffer.from(text, 'latin1');
      const signed = await signMessage(
        raw,
        { domain: 'sakura.com', algorithm, ...keys[algorithm] },
        new Date(),
      );
      expect(signed.subarray(signed.length - raw.length).equals(raw)).toBe(true);
      expect(
        signed
          .toString('latin1')
          .split('\r\n')
          .every((l) => l.length <= 998),
      ).toBe(true);
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    });
  }

  it('fails verification when the body changes after signing (neutral: body hash did not verify)', async () => {
    const signed = await signMessage(
      Buffer.from(messages[0]![1]),
      { domain: 'sakura.com', algorithm: 'rsa-2048', ...keys['rsa-2048'] },
      new Date(),
    );
    const tampered = Buffer.from(signed.toString().replace('Hi there.', 'Hi thEre.'));
    expect((await verifyDkim(tampered, dns.address))[0]?.result).not.toBe('pass');
  });

  it('signs deliveries stamped from one template, which share one body, each verifiably', async () => {
    const templates = new MimeTemplates();
    const content = { from: 'news@sakura.com', to: [], cc: [], subject: 'Sale', text: 'Hello  \nall.\n' };
    const date = new Date('2026-11-28T03:00:00Z');
    const part = (id: string, to: string) =>
      templates.composeParts('msg_1', content, {
        deliveryId: id,
        fromDomain: 'sakura.com',
        date,
        personalization: { to },
      });
    const [a, b] = [await part('dlv_a', 'a@example.net'), await part('dlv_b', 'b@example.net')];
    expect(a.body).toBe(b.body);
    expect(a.head.equals(b.head)).toBe(false);
    const key = { domain: 'sakura.com', algorithm: 'rsa-2048' as const, ...keys['rsa-2048'] };
    for (const parts of [a, b, a]) {
      const signed = await signParts(parts, key, date);
      expect(signed.toString('latin1')).toContain(parts.head.toString('latin1'));
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    }
  });

  it('signs personalized deliveries, each with its own body, as the relay sends them', async () => {
    const templates = new MimeTemplates();
    const content = {
      from: 'news@sakura.com',
      to: [],
      cc: [],
      subject: 'Hello {{name}}',
      text: `Dear {{name}},\n${'a line of  text. '.repeat(40)}\n\n`,
    };
    const date = new Date('2026-11-28T03:00:00Z');
    const key = { domain: 'sakura.com', algorithm: 'rsa-2048' as const, ...keys['rsa-2048'] };
    const unsubscribe = Buffer.from(
      'List-Unsubscribe: <https://mr.example/u/t1>, <mailto:u+t1@bounce.example>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n',
    );
    const bodies = new Set<string>();
    for (const i of [1, 2, 3]) {
      const parts = await templates.composeParts('msg_p', content, {
        deliveryId: `dlv_${i}`,
        fromDomain: 'sakura.com',
        date,
        personalization: { to: `r${i}@example.net`, fields: { name: `Recipient ${i}` } },
      });
      bodies.add(parts.body.toString('latin1'));
      const signed = await signParts(
        { head: Buffer.concat([unsubscribe, parts.head]), body: parts.body },
        key,
        date,
      );
      const field = /^DKIM-Signature: [\s\S]*?\r\n(?=\S)/.exec(signed.toString('latin1'))![0];
      expect(field.replace(/\r\n\s+/g, ' ')).toContain(
        'h=from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding:list-unsubscribe:list-unsubscribe-post:x-mailroute-delivery;',
      );
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    }
    expect(bodies.size).toBe(3);
  });

  it('signs the last of two fields of one name, the one verifiers take', async () => {
    const text =
      'From: a@sakura.com\r\nSubject: first\r\nTo: b@example.net\r\nSubject: second\r\n\r\nHi.\r\n';
    for (const algorithm of ['rsa-2048', 'ed25519'] as const) {
      const signed = await signMessage(
        Buffer.from(text),
        { domain: 'sakura.com', algorithm, ...keys[algorithm] },
        new Date(),
      );
      expect(await verifyDkim(signed, dns.address)).toEqual([{ domain: 'sakura.com', result: 'pass' }]);
    }
  });

  it.each([
    ['Subject', ' A  long\r\n  subject\twith\t tabs ', 'subject:A long subject with tabs'],
    ['FROM', '   a@sakura.com', 'from:a@sakura.com'],
  ])('canonicalizes the header %s relaxed', (name, value, expected) => {
    expect(relaxedHeader(name, value)).toBe(expected);
  });

  it.each([
    ['trailing whitespace and empty lines go', 'a  b \t\r\nc\r\n\r\n\r\n', 'a b\r\nc\r\n'],
    ['an empty body stays empty', '', ''],
    ['a missing final line break is added', 'x', 'x\r\n'],
    ['lines of whitespace alone at the end go', 'a\r\n \t\r\n  \r\n', 'a\r\n'],
    ['an empty line inside stays', 'a\r\n\r\n b\t', 'a\r\n\r\n b\r\n'],
    ['bare CR and LF are content', 'a\nb \r c\r\n', 'a\nb \r c\r\n'],
    ['a body of whitespace only is empty', ' \t ', ''],
  ])('canonicalizes the body relaxed: %s', (_name, body, expected) => {
    expect(relaxedBody(Buffer.from(body)).toString()).toBe(expected);
  });

  it('canonicalizes any body as the rule reads, line by line (RFC 6376 §3.4.4)', () => {
    const byTheRule = (body: string) => {
      const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
    };
    const alphabet = ['a', 'b', ' ', '\t', '\r\n', '\r', '\n', '\u00e9'];
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 3000; i++) {
      let body = '';
      const n = Math.floor(random() * 24);
      for (let j = 0; j < n; j++) body += alphabet[Math.floor(random() * alphabet.length)];
      expect(relaxedBody(Buffer.from(body, 'latin1')).toString('latin1'), JSON.stringify(body)).toBe(
        byTheRule(body),
      );
    }
  });
});
